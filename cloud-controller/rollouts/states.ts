import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * Rollout states and events in one file with one transition table, in the style of the agent's
 * update engine (Mender; issue #13). The new state is committed with its decision record before
 * the state's step runs, so a controller killed at any point resumes the step of the stored state.
 *
 * - `deploying`: the current wave's devices are sent the version (outside opening hours)
 * - `baking`: every device of the wave executed; the bake time runs and the gates are read
 * - `awaiting_approval`: the next wave needs an operator's approval
 * - `paused`: an operator paused; `resume` returns to the state it paused in
 * - `aborting`: updated devices are rolled back to the version they ran before
 * - `aborted`, `completed`: final
 */
export const rolloutStateSchema = z.enum(['deploying', 'baking', 'awaiting_approval', 'paused', 'aborting', 'aborted', 'completed']);
export type RolloutState = z.infer<typeof rolloutStateSchema>;

export const rolloutEventSchema = z.enum([
  'wave_executed', // every device of the wave committed or failed, and enough committed
  'wave_passed', // bake time over, success criteria met, another wave follows
  'approval_needed', // wave passed and the next wave needs approval
  'approved', // an operator approved the next wave
  'last_wave_passed', // the final wave passed
  'gate_failed', // an abort or quality criterion failed
  'pause',
  'resume',
  'abort', // an operator aborted
  'rolled_back', // every updated device is back on its previous version (or failed trying)
]);
export type RolloutEvent = z.infer<typeof rolloutEventSchema>;

/** `previous` on `resume`: back to the state the rollout paused in. */
type Target = RolloutState | 'previous';

export const TRANSITIONS: Readonly<Record<RolloutState, Partial<Record<RolloutEvent, Target>>>> = {
  deploying: { wave_executed: 'baking', gate_failed: 'aborting', pause: 'paused', abort: 'aborting' },
  baking: { wave_passed: 'deploying', approval_needed: 'awaiting_approval', last_wave_passed: 'completed', gate_failed: 'aborting', pause: 'paused', abort: 'aborting' },
  awaiting_approval: { approved: 'deploying', gate_failed: 'aborting', pause: 'paused', abort: 'aborting' },
  paused: { resume: 'previous', abort: 'aborting' },
  aborting: { rolled_back: 'aborted' },
  aborted: {},
  completed: {},
};

/** States in which the engine has nothing left to do. */
export const FINAL_STATES: ReadonlySet<RolloutState> = new Set(['aborted', 'completed']);

/** The state `event` leads to from `from`, or FC_ERR_ROLLOUT_INVALID_TRANSITION. */
export function nextState(from: RolloutState, event: RolloutEvent, pausedFrom: RolloutState | null): RolloutState {
  const target = TRANSITIONS[from][event];
  if (target === undefined) throw new FleetcastError('FC_ERR_ROLLOUT_INVALID_TRANSITION', `${event} in ${from}`, { state: from, event });
  if (target !== 'previous') return target;
  if (pausedFrom === null) throw new FleetcastError('FC_ERR_ROLLOUT_INVALID_TRANSITION', 'paused without a state to resume', { state: from, event });
  return pausedFrom;
}
