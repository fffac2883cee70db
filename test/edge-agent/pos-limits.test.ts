import test from 'ava';
import { rssOf, sendOversizedConnect } from '../helpers/oversized-connect.js';
import { makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

// Issue #9 finding 4 against the real agent process: a CONNECT announcing 268 MB took it from
// 393 MB to 1.19 GB before. The listener now closes the socket at the fixed header.

test('a CONNECT announcing 268 MB is closed at its header: the agent grows by less than 10 MB and keeps serving', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const agent = await startAgentProcess(await writeAgentConfig(root));
  t.teardown(() => void agent.stop());
  const before = await rssOf(agent.child.pid!);
  const outcome = await sendOversizedConnect(agent.posPort);
  const after = await rssOf(agent.child.pid!);
  t.true(outcome.closedByBroker, `agent kept reading (${outcome.sentBytes} bytes sent)`);
  t.true(after - before < 10 * 1024 * 1024, `RSS grew by ${((after - before) / 1048576).toFixed(1)} MB`);
  const till = await connectPos(agent.posPort, 'till-after-attack');
  const replies = collect(till);
  await subscribeGranted(till, ['pos/v1/score/res/till-after-attack']);
  await till.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }], { requestId: 'after' })));
  await waitFor(() => replies.length === 1, 10_000, 'reply after the attack');
  t.like(replies[0].message, { type: 'score-result', requestId: 'after' });
  await till.endAsync();
  t.is(await agent.stop(), 0);
});
