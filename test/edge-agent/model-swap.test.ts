import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { makeSigningKey, makeTestBundle } from '../helpers/bundle-fixtures.js';
import { startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

test('a model installed beside the running agent swaps in between requests: every request under traffic is answered, by v3 or v4, never an error', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fc-swap-'));
  const key = makeSigningKey();
  const v3 = await makeTestBundle({ dir: root, name: 'demand', version: 3, key, kind: 'gbdt' });
  const v4 = await makeTestBundle({ dir: root, name: 'demand', version: 4, key, kind: 'gbdt' });
  const config = await writeAgentConfig(root, { modelDir: undefined, trustedKeys: { [v3.keyId]: v3.publicKeyPem } });
  const first = await runCli(['agent', 'install', v3.path, '--config', config, '--json']);
  t.is(first.code, 0, first.stdout + first.stderr);
  const agent = await startAgentProcess(config);
  t.teardown(() => void agent.stop());
  const client = await connectPos(agent.posPort, 'till-swap');
  const replies = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-swap', 'pos/v1/status']);
  const answers = (): Array<Record<string, unknown>> => replies.filter((r) => r.topic !== 'pos/v1/status').map((r) => r.message);
  let sent = 0;
  let installing = true;
  const install = runCli(['agent', 'install', v4.path, '--config', config, '--json']).finally(() => (installing = false));
  // Keep 16 requests in flight until the install finished and v4 has answered 200 times.
  while (installing || answers().filter((a) => (a.model as { version: number } | undefined)?.version === 4).length < 200) {
    if (sent - answers().length < 16) {
      client.publish('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }, { store: 's2', item: 'i2', date: '2026-11-28' }], { requestId: `swap-${sent}` })));
      sent += 1;
    } else await new Promise((resolve) => setImmediate(resolve));
    if (sent > 200_000) break;
  }
  t.is((await install).code, 0);
  await waitFor(() => answers().length === sent, 10_000, 'every reply');
  const versions = answers().map((a) => (a.type === 'score-result' ? (a.model as { version: number }).version : String(a.code)));
  t.deepEqual([...new Set(versions)].sort(), [3, 4]);
  t.true(answers().every((a) => a.type === 'score-result' && (a.predictions as unknown[]).length === 2));
  t.is(versions[versions.length - 1], 4);
  await waitFor(() => replies.some((r) => r.topic === 'pos/v1/status' && (r.message.servingModel as { version: number } | null)?.version === 4), 5_000, 'status shows v4');
  t.log(`${sent} requests during the swap: ${versions.filter((v) => v === 3).length} by v3, ${versions.filter((v) => v === 4).length} by v4`);
  await client.endAsync();
  t.is(await agent.stop(), 0);
});
