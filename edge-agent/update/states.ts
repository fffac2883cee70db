import { z } from 'zod';
import { updateStateSchema, type UpdateState } from '../../protocols/update-states.js';

/**
 * States and events of the update state machine (DESIGN "Update state machine", modelled on
 * Mender's client). The state names are contract (protocols/update-states.ts, reported on
 * `evt`); the events are the agent's own.
 */
export { updateStateSchema, type UpdateState };

/**
 * What moves the machine:
 * - `deploy`: a deploy command arrived (download first);
 * - `install`: a bundle file is already local (`fleetcast agent install`, no download state);
 * - `downloaded`, `verified`, `staged`, `activated`: a step finished;
 * - `fail`: a step failed before anything in the store changed (download, verification);
 * - `abort`: a failure after which the store must be put back (staging, activation, a corrupt
 *   or exhausted resume) — goes through `rolling_back`;
 * - `rollback`: an operator asked for a retained version;
 * - `rollback_complete`: an operator rollback finished (back to `idle`);
 * - `failure_rolled_back`: the store was put back after a failed deployment (ends `failed`).
 */
export const updateEventSchema = z.enum([
  'deploy',
  'install',
  'downloaded',
  'verified',
  'staged',
  'activated',
  'fail',
  'abort',
  'rollback',
  'rollback_complete',
  'failure_rolled_back',
]);
export type UpdateEvent = z.infer<typeof updateEventSchema>;

/** States in which no deployment is running; a new deploy, install or rollback may start. */
export const REST_STATES: ReadonlySet<UpdateState> = new Set<UpdateState>(['idle', 'committed', 'failed']);

/** True when no deployment is in flight. */
export function isAtRest(state: UpdateState): boolean {
  return REST_STATES.has(state);
}
