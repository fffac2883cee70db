import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { scoreResponseMessageSchema } from '../../../protocols/messages/pos/score-response.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { POS_USER, startAgentProcess, writeAgentConfig } from '../../edge-agent/helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from '../../edge-agent/helpers/pos-client.js';
import { api, eventually, spawnController } from '../controller-process.js';
import { tempDir } from '../helpers.js';
import type { Conclusion, ExperimentStatus } from '../../../cloud-controller/experiments/schema.js';

const DAYS = ['2026-11-21', '2026-11-22', '2026-11-23'];
/** The test bundles' vocabulary: 2 stores × 2 items, four forecasts per day. */
const KEYS = [['s1', 'i1'], ['s1', 'i2'], ['s2', 'i1'], ['s2', 'i2']];

/**
 * Issue #13, end to end with a real agent process: `experiment create --shadow` sends the
 * `shadow` command, the agent installs the challenger beside the serving model (verified, not
 * activated; its birth names it), scores it on the POS rows without answering with it, and the
 * loss-differential counters it uploads reach the controller's `experiment status`; `conclude`
 * keeps the champion (three days cannot prove anything), archives the challenger in the
 * registry history and stops the shadow on the agent.
 */
test('shadow experiment: counters from a real agent reach the controller, status and conclude', async (t) => {
  const cwd = tempDir();
  const key = makeSigningKey();
  const champion = await makeTestBundle({ dir: cwd, name: 'demand', version: 1, key, kind: 'gbdt' });
  const challenger = await makeTestBundle({ dir: cwd, name: 'demand', version: 2, key, kind: 'linear' });
  const keyPath = join(cwd, 'signer.pem');
  writeFileSync(keyPath, key.publicKeyPem);
  const { child, info } = await spawnController(cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0', FLEETCAST_TRUSTED_KEYS: keyPath });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  // REST with the daemon's local token for the set-up (each CLI process costs seconds on a busy machine); the CLI for the experiment verbs.
  const { token } = await eventually(async () => {
    try {
      return JSON.parse(readFileSync(join(info.dataDir, 'run', 'api.json'), 'utf8')) as { token: string };
    } catch {
      return undefined; // written by the daemon just after its start document
    }
  }, 10_000);
  const push = async (bytes: Buffer): Promise<void> => {
    const pushed = await api(info.api, token, 'POST', '/v1/models/versions', bytes);
    t.is(pushed.status, 201, JSON.stringify(pushed.json));
  };
  await push(champion.bytes);
  t.is((await api(info.api, token, 'POST', '/v1/models/demand/versions/1/stage', { stage: 'Production' })).status, 200);
  const enrolled = await api(info.api, token, 'POST', '/v1/devices', { id: 'store-1', store: 's1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5', tags: [] });
  t.is(enrolled.status, 201, JSON.stringify(enrolled.json));

  const root = tempDir('fc-shadow-agent-');
  const config = await writeAgentConfig(root, { deviceId: 'store-1', modelDir: undefined, trustedKeys: { [key.keyId]: key.publicKeyPem }, uplink: { url: info.broker, password: (enrolled.json as { secret: string }).secret }, schedules: { flushIntervalSec: 1 } });
  const agent = await startAgentProcess(config, { FLEETCAST_LOG_LEVEL: 'info' });
  t.teardown(() => agent.stop());
  t.teardown(() => { if (process.env.FC_DEBUG) console.error(agent.stderr()); });
  const device = async (): Promise<{ online: boolean; reported: { activeModel: unknown; shadowModel: unknown } }> => (await api(info.api, token, 'GET', '/v1/devices/store-1')).json as never;
  await eventually(async () => ((await device()).online ? true : undefined), 20_000);
  t.is((await api(info.api, token, 'POST', '/v1/deployments', { deploymentId: 'dep-champion', model: 'demand', selector: 'store:s1' })).status, 201);
  await eventually(async () => (((await api(info.api, token, 'GET', '/v1/deployments/dep-champion')).json.devices as Array<{ status: string }>)[0]?.status === 'committed' ? true : undefined), 60_000);

  // Registered after the champion's deployment, which would otherwise be a downgrade needing the controller key.
  await push(challenger.bytes);
  const created = await runCli(['experiment', 'create', '--champion', 'demand@1', '--challenger', 'demand@2', '--target', 'store:s1', '--shadow', '--experiment-id', 'exp-shadow', '--json'], { cwd, env: { FLEETCAST_LOG_LEVEL: 'silent' } });
  t.is(created.code, 0, created.stdout + created.stderr);
  t.like(JSON.parse(created.stdout), { experimentId: 'exp-shadow', mode: 'shadow', devices: { 'store-1': 'shadow' } });
  // The agent's re-published birth names the challenger once it scores; the champion still serves.
  await eventually(async () => {
    const { reported } = await device();
    return JSON.stringify(reported.shadowModel) === JSON.stringify({ name: 'demand', version: 2 }) ? reported : undefined;
  }, 30_000);
  t.deepEqual((await device()).reported.activeModel, { name: 'demand', version: 1 });

  const pos = await connectPos(agent.posPort, 'till-1', POS_USER);
  t.teardown(() => pos.endAsync());
  const inbox = collect(pos);
  await subscribeGranted(pos, ['pos/v1/score/res/till-1']);
  const rows = DAYS.flatMap((date) => KEYS.map(([store, item]) => ({ store, item, date })));
  await pos.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(rows, { requestId: 'r1' })));
  await waitFor(() => inbox.length > 0, 10_000, 'score reply');
  const reply = scoreResponseMessageSchema.parse(inbox[0].message);
  if (reply.type !== 'score-result') return t.fail(JSON.stringify(reply));
  t.deepEqual(reply.model, { name: 'demand', version: 1 }, 'the POS is answered by the champion only');

  // The shadow scores after the reply, in batches; its forecasts are in the agent's SQLite (flushed every second) before actuals are sent.
  const agentDb = new Database(join(root, 'data', 'agent.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => agentDb.close());
  await eventually(async () => ((agentDb.prepare("SELECT COUNT(*) AS n FROM served_predictions WHERE role = 'shadow'").get() as { n: number }).n === rows.length ? true : undefined), 20_000);
  // Actuals, one message per day (each row a distinct actual).
  const actual = (i: number): number => (i * 7) % 11;
  for (const date of DAYS) {
    const dayRows = rows.map((row, i) => ({ ...row, units: actual(i) })).filter((row) => row.date === date);
    await pos.publishAsync('pos/v1/actuals', JSON.stringify({ v: 1, id: `a-${date}`, ts: new Date().toISOString(), sender: { role: 'pos', id: 'till-1' }, type: 'actuals', rows: dayRows }));
  }
  const status = await eventually(async () => {
    const response = await api(info.api, token, 'GET', '/v1/experiments/exp-shadow');
    const body = response.json as unknown as ExperimentStatus;
    return body.series?.length === DAYS.length && body.series.every((day) => day.n === KEYS.length) ? body : undefined;
  }, 30_000);
  // The champion's loss per day is what its replies and the actuals say it is.
  for (const day of status.series) {
    const losses = reply.predictions.map((p, i) => ({ p, loss: Math.abs(p.value - actual(i)) })).filter(({ p }) => p.date === day.day).map(({ loss }) => loss);
    t.true(Math.abs(day.meanLossChampion - losses.reduce((s, v) => s + v, 0) / losses.length) < 1e-4, `${day.day}: ${JSON.stringify(day)}`);
    t.true(Math.abs(day.meanDiff - (day.meanLossChampion - day.meanLossChallenger)) < 1e-9);
  }
  t.like(status, { reporting: { devices: 1, of: 1 }, verdict: 'undecided', sequential: null });
  t.is(status.dieboldMariano?.days, 3);


  const concluded = await runCli(['experiment', 'conclude', 'exp-shadow', '--json'], { cwd });
  t.is(concluded.code, 0, concluded.stdout + concluded.stderr);
  const conclusion = JSON.parse(concluded.stdout) as Conclusion;
  t.like(conclusion, { winner: { name: 'demand', version: 1 }, archived: { name: 'demand', version: 2 }, alias: 'champion' });
  const history = (await api(info.api, token, 'GET', '/v1/models/demand/history')).json as unknown as { history?: Array<{ kind: string; version: number; to: string | null; reason: string | null }> } | Array<{ kind: string; version: number; to: string | null; reason: string | null }>;
  const entries = Array.isArray(history) ? history : history.history ?? [];
  t.true(entries.some((e) => e.kind === 'alias-set' && e.version === 1 && e.to === 'champion' && /exp-shadow/.test(e.reason ?? '')), JSON.stringify(entries));
  t.true(entries.some((e) => e.kind === 'stage' && e.version === 2 && e.to === 'Archived' && /exp-shadow/.test(e.reason ?? '')));
  await eventually(async () => ((await device()).reported.shadowModel === null ? true : undefined), 30_000);
  const again = await api(info.api, token, 'POST', '/v1/experiments/exp-shadow/conclude');
  t.like(again, { status: 400, json: { error: { code: 'FC_ERR_EXPERIMENT_CONCLUDED' } } });
});
