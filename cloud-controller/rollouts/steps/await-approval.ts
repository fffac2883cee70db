import { failedGates } from '../criteria.js';
import type { Rollout } from '../store.js';
import { evidenceOf, type StepContext } from './context.js';

/**
 * `awaiting_approval`: nothing is sent until an operator approves, but the devices already
 * updated keep being watched — a gate that fails meanwhile aborts and rolls them back.
 */
export function awaitApproval(context: StepContext, rollout: Rollout): Rollout {
  const evidence = evidenceOf(context, rollout);
  const failed = failedGates(evidence, rollout.spec.waves[Math.max(0, rollout.wave - 1)].success, rollout.spec.abort);
  if (failed.length > 0) return context.store.transition(rollout.rolloutId, 'awaiting_approval', 'gate_failed', 'controller', failed.join('; '), evidence);
  return rollout;
}
