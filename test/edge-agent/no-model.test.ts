import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { posStatusSchema } from '../../protocols/messages/pos/status.js';
import { startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

test('with no model installed the agent still serves the broker: requests get FC_ERR_AGENT_NO_MODEL and the retained status says degraded/no_model', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fc-nomodel-'));
  const agent = await startAgentProcess(await writeAgentConfig(root, { modelDir: undefined }));
  t.teardown(() => void agent.stop());
  const client = await connectPos(agent.posPort, 'till-empty');
  const received = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-empty', 'pos/v1/status']);
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }], { requestId: 'empty-1' })));
  await waitFor(() => received.some((r) => r.message.requestId === 'empty-1') && received.some((r) => r.topic === 'pos/v1/status'), 5_000, 'reply and status');
  t.like(received.find((r) => r.message.requestId === 'empty-1')?.message, { type: 'error', code: 'FC_ERR_AGENT_NO_MODEL' });
  const status = posStatusSchema.parse(received.find((r) => r.topic === 'pos/v1/status')!.message);
  t.is(status.servingModel, null);
  t.deepEqual(status.health, { status: 'degraded', reasons: ['no_model'] });
  await client.endAsync();
  t.is(await agent.stop(), 0);
});
