import { z } from 'zod';

/**
 * States of the agent's update state machine (DESIGN "Update state machine"). The transition
 * table lives in the agent (`edge-agent/update/`); the names are contract because `evt`
 * messages and the controller's rollout gates use them.
 */
export const updateStateSchema = z.enum([
  'idle',
  'downloading',
  'verifying',
  'staging',
  'activating',
  'committed',
  'failed',
  'rolling_back',
]);
export type UpdateState = z.infer<typeof updateStateSchema>;
