import { bakeVerdict, failedGates } from '../criteria.js';
import type { Rollout } from '../store.js';
import { evidenceOf, type StepContext } from './context.js';

/**
 * `baking`: any failed gate aborts at once; after the bake time the wave is judged and the
 * rollout moves to the next wave, to an approval before it, or to `completed`.
 */
export function bakeWave(context: StepContext, rollout: Rollout): Rollout {
  const wave = rollout.spec.waves[rollout.wave];
  const evidence = evidenceOf(context, rollout);
  const failed = failedGates(evidence, wave.success, rollout.spec.abort);
  if (failed.length > 0) return context.store.transition(rollout.rolloutId, 'baking', 'gate_failed', 'controller', failed.join('; '), evidence);
  const now = context.now();
  if (rollout.bakeUntil !== null && now.getTime() < Date.parse(rollout.bakeUntil)) return rollout;
  const verdict = bakeVerdict(evidence, wave.success, rollout.spec.abort);
  if (verdict.verdict === 'wait') return rollout;
  if (verdict.verdict === 'fail') return context.store.transition(rollout.rolloutId, 'baking', 'gate_failed', 'controller', verdict.reasons.join('; '), evidence);
  const reason = `wave ${rollout.wave} passed: ${verdict.reasons.join('; ')}`;
  const next = rollout.wave + 1;
  if (next >= rollout.spec.waves.length) return context.store.transition(rollout.rolloutId, 'baking', 'last_wave_passed', 'controller', reason, evidence, { bakeUntil: null });
  const patch = { wave: next, waveStartedAt: now.toISOString(), bakeUntil: null };
  if (rollout.spec.waves[next].requireApproval) return context.store.transition(rollout.rolloutId, 'baking', 'approval_needed', 'controller', `${reason}; wave ${next} needs approval`, evidence, patch);
  return context.store.transition(rollout.rolloutId, 'baking', 'wave_passed', 'controller', reason, evidence, patch);
}
