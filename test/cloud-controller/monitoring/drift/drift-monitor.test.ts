import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../../../protocols/runtime/logger.js';
import { registerAlertRoutes } from '../../../../cloud-controller/api/routes/alert-routes.js';
import { registerAccuracyRoutes } from '../../../../cloud-controller/api/routes/accuracy-routes.js';
import { AlertManager } from '../../../../cloud-controller/alerts/alert-manager.js';
import { controllerMetricSource } from '../../../../cloud-controller/alerts/controller-metrics.js';
import { alertsConfigSchema } from '../../../../cloud-controller/alerts/schema.js';
import { accuracyMonitoringConfigSchema } from '../../../../cloud-controller/monitoring/accuracy/thresholds.js';
import { trustedKeysFromPems } from '../../../../protocols/bundle/keys.js';
import { readBundle } from '../../../../protocols/bundle/read-bundle.js';
import { referenceProfileSchema, type ReferenceProfile } from '../../../../protocols/drift/reference-profile.js';
import { envelope } from '../../../../protocols/messages/envelope-factory.js';
import { buildApiServer } from '../../../../cloud-controller/api/server.js';
import { AuditLog } from '../../../../cloud-controller/auth/audit-log.js';
import { TokenStore } from '../../../../cloud-controller/auth/tokens.js';
import { Fleet } from '../../../../cloud-controller/fleet/fleet.js';
import { DriftMonitor } from '../../../../cloud-controller/monitoring/drift/drift-monitor.js';
import type { DriftSeries } from '../../../../cloud-controller/monitoring/drift/schema.js';
import { Predictor } from '../../../../cloud-controller/predict/predictor.js';
import { TelemetryIngest } from '../../../../cloud-controller/telemetry/ingest.js';
import { DriftWindow } from '../../../../edge-agent/drift/drift-window.js';
import type { OutboxEntry } from '../../../../edge-agent/storage/outbox.js';
import { testFeatureRows } from '../../../helpers/bundle-fixtures.js';
import { loadedModules } from '../../../helpers/loaded-modules.js';
import { runCli } from '../../../helpers/run-cli.js';
import { makeBundleSet, openTestRegistry, tempDir, type BundleSet } from '../../helpers.js';

const model = { name: 'demand', version: 1 };
const devices = [
  { id: 'dev-a1', store: 's1', region: 'eu' },
  { id: 'dev-a2', store: 's1', region: 'eu' },
  { id: 'dev-b', store: 's2', region: 'eu' },
  { id: 'dev-c', store: 's3', region: 'us' },
];
const HOURS = ['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z'];

let set: BundleSet;
let reference: ReferenceProfile;
test.before(async () => {
  set = await makeBundleSet('demand', 1);
  const { files } = await readBundle(set.bundles[0].path);
  reference = referenceProfileSchema.parse(JSON.parse(files.get('reference.json')!.toString('utf8')));
});

/** Rows a device serves in a window: the fixture rows, lag_7 shifted in store s3 from the second hour. */
function rowsOf(deviceIndex: number, hour: number): Float32Array {
  const rows = testFeatureRows(300 + 50 * deviceIndex, 1000 * deviceIndex + 100 * hour);
  if (devices[deviceIndex].store === 's3' && hour === 1) for (let r = 0; r < rows.length; r += 4) rows[r] += 15;
  return rows;
}

async function setup() {
  const dataDir = tempDir();
  const { db, registry } = openTestRegistry(dataDir, set.key);
  await registry.push(set.bundles[0].path, 'alice');
  const fleet = new Fleet(db);
  for (const device of devices) await fleet.enrolDevice({ ...device, timezone: 'UTC', profile: 'pi5', tags: [] });
  const ingest = new TelemetryIngest(db);
  const pooled = HOURS.map(() => new DriftWindow(model, reference, set.bundles[0].featureNames));
  devices.forEach((device, d) => {
    const window = new DriftWindow(model, reference, set.bundles[0].featureNames);
    const records: OutboxEntry[] = HOURS.map((hour, h) => {
      const rows = rowsOf(d, h);
      window.observeFeatures(rows, rows.length / 4);
      pooled[h].observeFeatures(rows, rows.length / 4);
      return window.close(new Date(hour))!;
    });
    ingest.ingest(device.id, { ...envelope({ role: 'device', id: device.id }), type: 'batch', fromSeq: 1, toSeq: 2, records: records.map((record, i) => ({ ...record, seq: i + 1 })) as never });
  });
  // A record of an agent before issue #12 and a row that no longer parses: both skipped, never fatal.
  db.prepare("INSERT INTO telemetry_records (device_id, incarnation, seq, kind, ts, model_name, model_version, body, received_at) VALUES ('dev-b', '', 99, 'drift', ?, 'demand', 1, ?, ?)")
    .run(HOURS[1], JSON.stringify({ seq: 99, kind: 'drift', ts: HOURS[1], model, windowStart: HOURS[0], windowEnd: HOURS[1], n: 1, features: [], prediction: { psi: 0, counts: [] } }), HOURS[1]);
  db.prepare("INSERT INTO telemetry_records (device_id, incarnation, seq, kind, ts, model_name, model_version, body, received_at) VALUES ('dev-b', '', 100, 'drift', ?, 'demand', 1, '{not json', ?)").run(HOURS[1], HOURS[1]);
  return { db, registry, fleet, monitor: new DriftMonitor(db, fleet, registry), pooled };
}

const sumCounts = (...series: DriftSeries[]) => series[0].windows.map((_, w) => series[0].windows[w].features.map((_, f) => series.reduce((sum, s) => sum + s.windows[w].features[f].counts.reduce((a, b) => a + b, 0), 0)));

test('store → region → fleet: counts add, statistics are recomputed from the merged counts (equal to pooling the raw rows), never averaged', async (t) => {
  const { db, monitor, pooled } = await setup();
  t.teardown(() => db.close());
  const query = { model: 'demand', bucketSec: 3600, limit: 168 };
  const s1 = await monitor.series({ ...query, level: 'store', subject: 's1' });
  const s2 = await monitor.series({ ...query, level: 'store', subject: 's2' });
  const s3 = await monitor.series({ ...query, level: 'store', subject: 's3' });
  const eu = await monitor.series({ ...query, level: 'region', subject: 'eu' });
  const fleet = await monitor.series({ ...query, level: 'fleet' });
  t.is(fleet.version, 1);
  t.deepEqual(s1.devices, ['dev-a1', 'dev-a2']);
  t.deepEqual(eu.windows.map((w) => w.devices), [3, 3]);
  t.deepEqual(sumCounts(eu), sumCounts(s1, s2));
  t.deepEqual(sumCounts(fleet), sumCounts(eu, s3));
  t.is(fleet.skippedWindows, 2);
  // The fleet's statistics are exactly those of one window that saw every row.
  HOURS.forEach((_, h) => {
    const all = pooled[h].close(new Date(HOURS[h]));
    if (all?.kind !== 'drift') throw new Error('no pooled window');
    t.deepEqual(fleet.windows[h].features.map((f) => f.counts), all.features.map((f) => f.counts));
    t.is(fleet.windows[h].n, all.n);
  });
  // Store s3's lag_7 shift is drifted there, and still visible (diluted, recomputed) at fleet level.
  const lag = (s: DriftSeries, h: number) => s.windows[h].features[0];
  t.false(lag(s3, 0).drifted);
  t.true(lag(s3, 1).drifted);
  const averaged = [s1, s2, s3].reduce((sum, s) => sum + lag(s, 1).statistics.psi!.value, 0) / 3;
  t.not(lag(fleet, 1).statistics.psi!.value, averaged);
  t.true(fleet.reference !== null && fleet.reference.features.length === 4);
});

test('GET /v1/drift serves every level to viewers and codes bad queries', async (t) => {
  const { db, registry, fleet, monitor } = await setup();
  const tokens = new TokenStore(db);
  const predictor = new Predictor(registry, trustedKeysFromPems([set.bundles[0].publicKeyPem]));
  // The report also reads the subject's accuracy series and alerts, as from a full controller.
  const alerts = new AlertManager({ db, config: alertsConfigSchema.parse({}), source: controllerMetricSource(db, fleet, accuracyMonitoringConfigSchema.parse({})), log: createLogger('test', { level: 'silent' }) });
  const plugins = [{ register: (scope: FastifyInstance) => registerAlertRoutes(scope, alerts) }, { register: (scope: FastifyInstance) => registerAccuracyRoutes(scope, { db, fleet, config: accuracyMonitoringConfigSchema.parse({}) }) }];
  const app = await buildApiServer({ registry, fleet, tokens, audit: new AuditLog(db), predictor, drift: monitor, plugins });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await predictor.close();
    db.close();
  });
  const viewer = tokens.create('vera', 'viewer').token;
  const get = async (query: string) => {
    const response = await fetch(`${base}/v1/drift?${query}`, { headers: { authorization: `Bearer ${viewer}` } });
    return { status: response.status, json: (await response.json()) as DriftSeries & { error?: { code: string } } };
  };
  const region = await get('level=region&subject=eu&model=demand');
  t.is(region.status, 200);
  t.deepEqual(region.json, await monitor.series({ level: 'region', subject: 'eu', model: 'demand', bucketSec: 3600, limit: 168 }));
  const fleetLevel = await get('level=fleet&model=demand&limit=1');
  t.is(fleetLevel.json.windows.length, 1);
  t.is(fleetLevel.json.windows[0].windowEnd, HOURS[1]);
  t.is((await get('level=store&model=demand')).json.error?.code, 'FC_ERR_INVALID_REQUEST');
  const unknown = await get('level=store&subject=nowhere&model=demand');
  t.is(unknown.status, 404);
  t.is(unknown.json.error?.code, 'FC_ERR_DRIFT_SUBJECT_NOT_FOUND');
  t.is((await get('level=fleet&model=demand&version=7')).json.error?.code, 'FC_ERR_MODEL_NOT_FOUND');

  // The CLI reads the same API: `drift show --json` prints the series, `drift report` writes the HTML file.
  const cli = ['--model', 'demand', '--api', base, '--token', viewer];
  const shown = await runCli(['drift', 'show', '--region', 'eu', ...cli, '--json']);
  t.is(shown.code, 0, shown.stderr);
  t.deepEqual(JSON.parse(shown.stdout), region.json);
  const text = await runCli(['drift', 'show', '--store', 's3', ...cli]);
  t.regex(text.stdout, /lag_7 .* DRIFT/);
  // Thresholds can be tried on the stored windows: a huge minimum sample size flags nothing.
  const strict = await runCli(['drift', 'show', '--store', 's3', ...cli, '--threshold', 'minSamples=100000', '--json']);
  t.is(strict.code, 0, strict.stderr);
  const strictSeries = JSON.parse(strict.stdout) as DriftSeries;
  t.is(strictSeries.thresholds.minSamples, 100000);
  t.false(strictSeries.windows.some((w) => w.features.some((f) => f.drifted)));
  t.is((await get('level=fleet&model=demand&psi=-1')).json.error?.code, 'FC_ERR_INVALID_REQUEST');
  const out = join(tempDir(), 'report.html');
  const report = await runCli(['drift', 'report', '--fleet', ...cli, '--out', out, '--json']);
  t.is(report.code, 0, report.stderr);
  t.is((JSON.parse(report.stdout) as { charts: number }).charts, 6);
  t.true((await readFile(out, 'utf8')).includes('echarts'));
  const usage = await runCli(['drift', 'show', '--store', 's1', '--fleet', ...cli, '--json']);
  t.is(usage.code, 64);
  t.is((JSON.parse(usage.stdout) as { error: { code: string } }).error.code, 'FC_ERR_USAGE');
});

test('fleetcast drift --help loads no package but commander (lazy command group)', async (t) => {
  const loaded = await loadedModules(['drift', 'report', '--help']);
  t.is(loaded.code, 0);
  t.deepEqual([...loaded.packages], ['commander']);
});
