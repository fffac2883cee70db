import test from 'ava';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { buildApiServer } from '../../../cloud-controller/api/server.js';
import { registerAlertRoutes } from '../../../cloud-controller/api/routes/alert-routes.js';
import { registerAccuracyRoutes } from '../../../cloud-controller/api/routes/accuracy-routes.js';
import { accuracySeries } from '../../../cloud-controller/monitoring/accuracy/series.js';
import { TokenStore } from '../../../cloud-controller/auth/tokens.js';
import { AuditLog } from '../../../cloud-controller/auth/audit-log.js';
import { Predictor } from '../../../cloud-controller/predict/predictor.js';
import { AlertManager } from '../../../cloud-controller/alerts/alert-manager.js';
import { controllerMetricSource } from '../../../cloud-controller/alerts/controller-metrics.js';
import { alertsConfigSchema, type AlertView } from '../../../cloud-controller/alerts/schema.js';
import { accuracyMonitoringConfigSchema } from '../../../cloud-controller/monitoring/accuracy/thresholds.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTestRegistry, tempDir, TestClock } from '../helpers.js';
import { degradedPairs, enrolTestDevices, ingestPairs } from '../monitoring/accuracy/accuracy-fixture.js';

test('viewers list alerts, operators acknowledge and resolve them, over REST and `fleetcast alerts`', async (t) => {
  const dataDir = tempDir();
  const key = makeSigningKey();
  const { db, registry } = openTestRegistry(dataDir, key);
  await registry.push((await makeTestBundle({ dir: tempDir(), name: 'units', version: 1, key })).path, 'alice');
  const fleet = await enrolTestDevices(db);
  ingestPairs(db, [...degradedPairs('d1a', 4), ...degradedPairs('d3', 4)], { name: 'units', version: 1 });
  const alerts = new AlertManager({
    db,
    config: alertsConfigSchema.parse({ rules: [{ name: 'wape-store', metric: 'accuracy.wape', level: 'store', threshold: 0.3, windows: 2, minSamples: 50, severity: 'warning' }] }),
    source: controllerMetricSource(db, fleet, accuracyMonitoringConfigSchema.parse({})),
    now: new TestClock(new Date('2026-03-04T06:00:00.000Z')).now,
    log: createLogger('test', { level: 'silent' }),
  });
  t.is(alerts.evaluate().opened.length, 2);
  const tokens = new TokenStore(db);
  const predictor = new Predictor(registry, trustedKeysFromPems([key.publicKeyPem]));
  const app = await buildApiServer({ registry, fleet, tokens, audit: new AuditLog(db), predictor, plugins: [{ register: (scope) => registerAlertRoutes(scope, alerts) }, { register: (scope) => registerAccuracyRoutes(scope, { db, fleet, config: accuracyMonitoringConfigSchema.parse({}) }) }] });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await predictor.close();
    db.close();
  });
  const viewer = tokens.create('vera', 'viewer').token;
  const operator = tokens.create('otto', 'operator').token;
  const call = async (method: string, path: string, token: string): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  const listed = await call('GET', '/v1/alerts?level=store&state=open', viewer);
  t.is(listed.status, 200);
  const list = listed.json.alerts as AlertView[];
  t.deepEqual(list.map((alert) => alert.subject).sort(), ['s1', 's3']);
  const s1 = list.find((alert) => alert.subject === 's1') as AlertView;
  t.is(s1.evidence.windows.length, 2);

  // The accuracy series the report charts: what accuracySeries computes from the merged counters.
  const served = await call('GET', '/v1/accuracy/series?level=store&subject=s1&model=units', viewer);
  t.is(served.status, 200);
  t.deepEqual(served.json, { level: 'store', subject: 's1', points: JSON.parse(JSON.stringify(accuracySeries(db, { level: 'store', subject: 's1', model: 'units' }))) });
  t.true((served.json.points as unknown[]).length >= 2);
  t.is(((await call('GET', '/v1/accuracy/series?level=store', viewer)).json.error as { code: string }).code, 'FC_ERR_INVALID_REQUEST');

  const refused = await call('POST', `/v1/alerts/${s1.id}/ack`, viewer);
  t.is(refused.status, 403);
  t.is((refused.json.error as { code: string }).code, 'FC_ERR_FORBIDDEN');
  const acked = await call('POST', `/v1/alerts/${s1.id}/ack`, operator);
  t.is(acked.status, 200);
  t.like(acked.json, { state: 'acknowledged', acknowledgedBy: 'otto' });
  t.is((await call('POST', '/v1/alerts/alert-000000000000/ack', operator)).status, 404);
  t.is(((await call('POST', '/v1/alerts/nope/ack', operator)).json.error as { code: string }).code, 'FC_ERR_INVALID_REQUEST');

  const cliList = await runCli(['alerts', 'list', '--api', base, '--token', viewer, '--state', 'unresolved', '--json']);
  t.is(cliList.code, 0, cliList.stderr);
  t.is((JSON.parse(cliList.stdout) as AlertView[]).length, 2);
  const cliRefused = await runCli(['alerts', 'resolve', s1.id, '--api', base, '--token', viewer, '--json']);
  t.is(cliRefused.code, 77);
  const cliResolved = await runCli(['alerts', 'resolve', s1.id, '--api', base, '--token', operator, '--json']);
  t.is(cliResolved.code, 0, cliResolved.stderr);
  t.like(JSON.parse(cliResolved.stdout), { id: s1.id, state: 'resolved', resolvedBy: 'otto' });
});
