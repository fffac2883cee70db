import test from 'ava';
import { join } from 'node:path';
import { updateStateSchema } from '../../../protocols/update-states.js';
import { isFleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { nextState, transitionTable } from '../../../edge-agent/update/transitions.js';
import { updateEventSchema } from '../../../edge-agent/update/states.js';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

test('the happy path walks idle → downloading → verifying → staging → activating → committed', (t) => {
  const path = ['deploy', 'downloaded', 'verified', 'staged', 'activated'] as const;
  const visited = path.reduce<string[]>((states, event) => [...states, nextState(states[states.length - 1] as never, event)], ['idle']);
  t.deepEqual(visited, ['idle', 'downloading', 'verifying', 'staging', 'activating', 'committed']);
});

test('failed and rolling_back are reachable from every state; rolling_back ends idle or failed', (t) => {
  for (const state of updateStateSchema.options) {
    t.is(nextState(state, 'abort'), 'rolling_back', state);
    const reachesFailed = Object.values(transitionTable[state]).includes('failed') || state === 'failed' || nextState(nextState(state, 'abort'), 'fail') === 'failed';
    t.true(reachesFailed, state);
  }
  t.is(nextState('rolling_back', 'rollback_complete'), 'idle');
  t.is(nextState('rolling_back', 'failure_rolled_back'), 'failed');
  t.is(nextState('downloading', 'fail'), 'failed');
  t.is(nextState('verifying', 'fail'), 'failed');
});

test('a transition not in the table is refused with FC_ERR_UPDATE_BAD_TRANSITION', (t) => {
  const undefinedPairs = updateStateSchema.options.flatMap((state) => updateEventSchema.options.filter((event) => transitionTable[state][event] === undefined).map((event) => [state, event] as const));
  t.true(undefinedPairs.length > 0);
  for (const [state, event] of undefinedPairs) {
    const error = t.throws(() => nextState(state, event));
    t.true(isFleetcastError(error) && error.code === 'FC_ERR_UPDATE_BAD_TRANSITION', `${state} + ${event}`);
  }
});

test('a corrupt persisted state rolls back to a verified model and reports FC_ERR_UPDATE_STATE_CORRUPT', async (t) => {
  const dir = await tempDataDir();
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const first = await openEngine(dir, trusted);
  t.is((await first.manager.install(v1.path)).state, 'committed');
  first.close();

  const db = openAgentDb(join(dir, 'agent.db'));
  db.prepare("UPDATE update_state SET state = 'half-written', deployment = '{\"deploymentId\":' WHERE slot = 1").run();
  db.close();

  const second = await openEngine(dir, trusted);
  const outcome = await second.manager.resume();
  t.is(outcome?.state, 'failed');
  t.is(outcome?.errorCode, 'FC_ERR_UPDATE_STATE_CORRUPT');
  t.deepEqual(outcome?.active, { name: 'demand', version: 1 });
  second.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 1 });
  t.is(inspectAgentDb(dir).integrity, 'ok');
  t.is(inspectAgentDb(dir).state, 'failed');
});
