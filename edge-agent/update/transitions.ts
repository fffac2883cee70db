import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { UpdateEvent, UpdateState } from './states.js';

/**
 * THE transition table of the update state machine — the only place that says which event
 * moves which state where (issue #5; Mender's client keeps one table the same way). Anything
 * not listed is a programming error (FC_ERR_UPDATE_BAD_TRANSITION). `abort` is allowed from
 * every state: a crash-resume that cannot trust its state always rolls back.
 */
export const transitionTable: Readonly<Record<UpdateState, Partial<Record<UpdateEvent, UpdateState>>>> = {
  idle: { deploy: 'downloading', install: 'verifying', rollback: 'rolling_back', abort: 'rolling_back' },
  committed: { deploy: 'downloading', install: 'verifying', rollback: 'rolling_back', abort: 'rolling_back' },
  failed: { deploy: 'downloading', install: 'verifying', rollback: 'rolling_back', abort: 'rolling_back' },
  downloading: { downloaded: 'verifying', fail: 'failed', abort: 'rolling_back' },
  verifying: { verified: 'staging', fail: 'failed', abort: 'rolling_back' },
  staging: { staged: 'activating', abort: 'rolling_back' },
  activating: { activated: 'committed', abort: 'rolling_back' },
  rolling_back: { rollback_complete: 'idle', failure_rolled_back: 'failed', fail: 'failed', abort: 'rolling_back' },
};

/** The state `event` leads to from `from`; throws FC_ERR_UPDATE_BAD_TRANSITION when none. */
export function nextState(from: UpdateState, event: UpdateEvent): UpdateState {
  const to = transitionTable[from][event];
  if (!to) throw new FleetcastError('FC_ERR_UPDATE_BAD_TRANSITION', `${event} in ${from}`, { from, event });
  return to;
}
