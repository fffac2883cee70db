import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromEpochDay, toEpochDay } from '../../../protocols/features/epoch-day.js';
import type { HistoryActual } from '../../../protocols/features/sales-history.js';
import { scoreResponseMessageSchema } from '../../../protocols/messages/pos/score-response.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { POS_USER, startAgentProcess, writeAgentConfig } from '../../edge-agent/helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from '../../edge-agent/helpers/pos-client.js';
import { api, spawnController } from '../controller-process.js';
import { tempDir } from '../helpers.js';

/**
 * Issue #10 acceptance: a FRESH agent (no actuals, no model) deployed by a real controller
 * answers its first POS request with full history features, equal to the controller's
 * `/predict` for the same rows and history. The controller holds the store's recent sales
 * (`fleetcast history import`), the deploy command names that blob, and the agent seeds its
 * actuals from it over `blob/req` before the deployment.
 */
const LAST = '2026-11-20';

function sales(): HistoryActual[] {
  const rows: HistoryActual[] = [];
  for (let d = 0; d < 21; d += 1) {
    for (const [s, store] of ['s1', 's2'].entries()) {
      for (const [i, item] of ['i1', 'i2'].entries()) rows.push({ store, item, date: fromEpochDay(toEpochDay(LAST) - d), units: (d * 5 + s * 3 + i * 7) % 13 });
    }
  }
  return rows;
}

test('a fresh agent deployed by the controller answers its first POS request with full history, equal to /predict', async (t) => {
  const cwd = tempDir();
  const key = makeSigningKey();
  const bundle = await makeTestBundle({ dir: cwd, name: 'demand', version: 1, key, kind: 'gbdt' });
  const keyPath = join(cwd, 'signer.pem');
  writeFileSync(keyPath, key.publicKeyPem);
  const { child, info, logged } = await spawnController(cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0', FLEETCAST_TRUSTED_KEYS: keyPath, FLEETCAST_LOG_LEVEL: 'debug' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const { token } = JSON.parse((await runCli(['controller', 'token', 'create', '--role', 'operator', '--name', 'otto', '--json'], { cwd })).stdout) as { token: string };
  t.is((await runCli(['registry', 'push', bundle.path, '--json'], { cwd, env: { FLEETCAST_TRUSTED_KEYS: keyPath } })).code, 0);
  t.is((await api(info.api, token, 'POST', '/v1/models/demand/versions/1/stage', { stage: 'Production' })).status, 200);
  const enrolled = await api(info.api, token, 'POST', '/v1/devices', { id: 'store-1', store: 's1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5', tags: ['pilot'] });
  t.is(enrolled.status, 201, JSON.stringify(enrolled.json));

  // The controller learns the chain's recent sales from a CSV, the way training reads it.
  const history = sales();
  const csv = join(cwd, 'sales.csv');
  writeFileSync(csv, `date,store,item,units\n${history.map((r) => `${r.date},${r.store},${r.item},${r.units}`).join('\n')}\n`);
  const imported = await runCli(['history', 'import', '--data', csv, '--days', '14', '--json'], { cwd });
  t.is(imported.code, 0, imported.stdout + imported.stderr);
  const held = await api(info.api, token, 'GET', '/v1/stores/s1/history');
  t.like(held.json, { store: 's1', rows: 28, to: LAST });

  const root = tempDir('fc-fresh-agent-');
  const config = await writeAgentConfig(root, { deviceId: 'store-1', modelDir: undefined, trustedKeys: { [key.keyId]: key.publicKeyPem }, uplink: { url: info.broker, password: (enrolled.json as { secret: string }).secret } });
  const agent = await startAgentProcess(config);
  t.teardown(() => agent.stop());
  // Log lines of the controller, not REST polling, say when to look (issue #9).
  await logged('birth reconciled', { deviceId: 'store-1' });
  t.is((await api(info.api, token, 'GET', '/v1/devices/store-1')).json.online, true);
  t.is((await api(info.api, token, 'POST', '/v1/deployments', { deploymentId: 'dep-history', model: 'demand', selector: 'store:s1' })).status, 201);
  await logged('deployment event', { deviceId: 'store-1', deploymentId: 'dep-history', to: 'committed' });
  t.is(((await api(info.api, token, 'GET', '/v1/deployments/dep-history')).json.devices as Array<{ status: string }>)[0]?.status, 'committed');

  const client = await connectPos(agent.posPort, 'till-first', POS_USER);
  t.teardown(() => client.endAsync());
  const inbox = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-first']);
  const next = fromEpochDay(toEpochDay(LAST) + 1);
  const rows = [{ store: 's1', item: 'i1', date: next }, { store: 's1', item: 'i2', date: next }];
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(rows, { requestId: 'first' })));
  await waitFor(() => inbox.length > 0, 10_000, 'first score reply');
  const reply = scoreResponseMessageSchema.parse(inbox[0].message);
  if (reply.type !== 'score-result') return t.fail(JSON.stringify(reply));
  t.is(reply.history, 'full');

  // Control: the controller sent only this device's store (s1); an s2 row has no history here.
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's2', item: 'i1', date: next }], { requestId: 'other-store' })));
  await waitFor(() => inbox.length > 1, 10_000, 'second score reply');
  t.like(inbox[1].message, { requestId: 'other-store', type: 'score-result', history: 'none' });

  const window = history.filter((r) => r.store === 's1' && toEpochDay(r.date) > toEpochDay(LAST) - 14);
  const cloud = await api(info.api, token, 'POST', '/v1/models/demand/predict', { rows, history: window });
  t.is(cloud.status, 200, JSON.stringify(cloud.json));
  t.deepEqual(reply.predictions.map((p) => p.value), (cloud.json.predictions as Array<{ value: number }>).map((p) => p.value));
});
