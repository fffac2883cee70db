import test from 'ava';
import { upBatchSchema } from '../../../protocols/messages/up.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { makeBundleSet, type BundleSet } from '../helpers.js';
import { call, errorCode, startTestApi } from './api-harness.js';

let set: BundleSet;
test.before(async () => {
  set = await makeBundleSet('demand', 2);
});

const enrolment = { store: 's1', region: 'eu-west', timezone: 'UTC', profile: 'pi5' };

test('deployments by selector resolve the Production version and record desired state for offline devices', async (t) => {
  const api = await startTestApi(set.key, { brokerHalf: true });
  t.teardown(() => api.close());
  await api.registry.push(set.bundles[0].path, 'alice');
  api.registry.promote('demand', 1, 'Production', 'alice');
  await api.fleet.enrolDevice({ id: 'dev-1', ...enrolment, tags: ['pilot'] });
  await api.fleet.enrolDevice({ id: 'dev-2', ...enrolment, tags: ['pilot'] });
  await api.fleet.enrolDevice({ id: 'dev-3', ...enrolment, region: 'us-east', tags: ['pilot'] });
  await api.fleet.revokeDevice('dev-2');

  const viewer = await call(api, 'POST', '/v1/deployments', api.tokens.viewer, { model: 'demand', selector: 'tag:pilot' });
  t.is(viewer.status, 403);
  const created = await call(api, 'POST', '/v1/deployments', api.tokens.operator, { deploymentId: 'dep-pilot', model: 'demand', selector: 'tag:pilot,region:eu-west' });
  t.is(created.status, 201);
  t.deepEqual(created.json, { deploymentId: 'dep-pilot', assigned: ['dev-1'], unchanged: [], sent: [] });
  const status = await call(api, 'GET', '/v1/deployments/dep-pilot', api.tokens.viewer);
  t.deepEqual((status.json.devices as Array<{ deviceId: string; status: string; model: unknown }>).map((d) => [d.deviceId, d.status, d.model]), [['dev-1', 'pending', { name: 'demand', version: 1 }]]);
  t.is(((await call(api, 'GET', '/v1/devices/dev-1/deployment', api.tokens.viewer)).json.deployment as { deploymentId: string }).deploymentId, 'dep-pilot');

  const none = await call(api, 'POST', '/v1/deployments', api.tokens.operator, { model: 'demand', selector: 'region:mars' });
  t.is(errorCode(none.json), 'FC_ERR_DEPLOYMENT_NO_TARGETS');
  const revoked = await call(api, 'POST', '/v1/deployments', api.tokens.operator, { model: 'demand', deviceIds: ['dev-2'] });
  t.is(errorCode(revoked.json), 'FC_ERR_DEPLOYMENT_NO_TARGETS');
  const both = await call(api, 'POST', '/v1/deployments', api.tokens.operator, { model: 'demand', selector: 'all', deviceIds: ['dev-1'] });
  t.is(errorCode(both.json), 'FC_ERR_INVALID_REQUEST');
  const noVersion = await call(api, 'POST', '/v1/deployments', api.tokens.operator, { model: 'demand', ref: 'champion', selector: 'all' });
  t.is(errorCode(noVersion.json), 'FC_ERR_MODEL_NOT_FOUND');
});

test('the bundle download route of the broker half authenticates devices itself, not with API tokens', async (t) => {
  const api = await startTestApi(set.key, { brokerHalf: true });
  t.teardown(() => api.close());
  await api.registry.push(set.bundles[0].path, 'alice');
  const { secret } = await api.fleet.enrolDevice({ id: 'dev-1', ...enrolment });
  const url = `${api.base}/v1/bundles/${set.bundles[0].sha256}`;
  t.is((await fetch(url, { headers: { authorization: `Bearer ${api.tokens.admin}` } })).status, 401);
  const download = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`dev-1:${secret}`).toString('base64')}`, range: 'bytes=0-9' } });
  t.is(download.status, 206);
  t.deepEqual(Buffer.from(await download.arrayBuffer()), set.bundles[0].bytes.subarray(0, 10));
});

test('telemetry queries are served to viewers and validate their parameters', async (t) => {
  const api = await startTestApi(set.key, { brokerHalf: true });
  t.teardown(() => api.close());
  await api.fleet.enrolDevice({ id: 'dev-1', ...enrolment });
  const ts = new Date().toISOString();
  const heartbeat = { seq: 1, ts, kind: 'heartbeat', cpuLoadPercent: 12.5, memUsedBytes: 1000, memTotalBytes: 4000, diskFreeBytes: 5000, temperatureC: null, uptimeSec: 60, requests: 3, errors: 0, latencyP50Ms: 1.5, latencyP99Ms: 4, rssBytes: 900 };
  api.ingest?.ingest('dev-1', upBatchSchema.parse({ ...envelope({ role: 'device', id: 'dev-1' }), type: 'batch', fromSeq: 1, toSeq: 1, records: [heartbeat] }));
  t.is((await call(api, 'GET', '/v1/telemetry/records', null)).status, 401);
  const records = await call(api, 'GET', '/v1/telemetry/records?deviceId=dev-1&kind=heartbeat', api.tokens.viewer);
  t.is(records.status, 200);
  t.deepEqual(records.json.records, [{ deviceId: 'dev-1', record: heartbeat }]);
  const latest = await call(api, 'GET', '/v1/devices/dev-1/heartbeat', api.tokens.viewer);
  t.deepEqual(latest.json.heartbeat, heartbeat);
  const accuracy = await call(api, 'GET', '/v1/telemetry/accuracy?model=demand&version=1&selector=all', api.tokens.viewer);
  t.is(accuracy.status, 200);
  t.is(accuracy.json.n, 0);
  const bad = await call(api, 'GET', '/v1/telemetry/accuracy?model=demand&version=zero', api.tokens.viewer);
  t.is(errorCode(bad.json), 'FC_ERR_INVALID_REQUEST');
  t.is((await call(api, 'GET', '/v1/telemetry/scoring?deviceId=dev-1', api.tokens.viewer)).status, 200);
});

test('deploying an older version than the newest registered one is an authorized downgrade; rollbacks and the deployment list follow (issue #11)', async (t) => {
  const api = await startTestApi(set.key, { brokerHalf: true });
  t.teardown(() => api.close());
  await api.registry.push(set.bundles[0].path, 'alice');
  await api.registry.push(set.bundles[1].path, 'alice');
  await api.fleet.enrolDevice({ id: 'dev-1', ...enrolment, tags: ['pilot'] });
  t.is((await call(api, 'POST', '/v1/deployments', api.tokens.operator, { deploymentId: 'dep-v2', model: 'demand', ref: 2, selector: 'all' })).status, 201);
  // v1 promoted back to Production and deployed: an explicit operator decision.
  api.registry.promote('demand', 1, 'Production', 'alice');
  t.is((await call(api, 'POST', '/v1/deployments', api.tokens.operator, { deploymentId: 'dep-v1', model: 'demand', selector: 'all' })).status, 201);
  const listed = (await call(api, 'GET', '/v1/deployments', api.tokens.viewer)).json.deployments as Array<{ deploymentId: string; downgradeAuthorized: boolean; kind: string; actor: string }>;
  t.deepEqual(listed.map((d) => [d.deploymentId, d.kind, d.downgradeAuthorized]), [['dep-v1', 'deploy', true], ['dep-v2', 'deploy', false]]);
  t.is(errorCode((await call(api, 'GET', '/v1/deployments/nope', api.tokens.viewer)).json), 'FC_ERR_DEPLOYMENT_NOT_FOUND');
  t.is(errorCode((await call(api, 'POST', '/v1/rollbacks', api.tokens.operator, { model: 'demand' })).json), 'FC_ERR_ROLLBACK_NO_TARGET', 'nothing below v1');
  const rolled = await call(api, 'POST', '/v1/rollbacks', api.tokens.operator, { model: 'demand', to: 1, reason: 'test' });
  t.is(rolled.status, 201);
  t.like(rolled.json, { model: 'demand', from: 1, to: 1, assigned: ['dev-1'], sent: [] });
  t.like(api.registry.history('demand').at(-1), { kind: 'rollback', version: 1, actor: 'otto', reason: 'test' });
});

test('accuracy is fleet-wide without model and version, per model without version (issue #11)', async (t) => {
  const api = await startTestApi(set.key, { brokerHalf: true });
  t.teardown(() => api.close());
  const ts = new Date().toISOString();
  const accuracy = (seq: number, name: string, version: number, sumAbsError: number) => ({ seq, ts, kind: 'accuracy', model: { name, version }, day: '2026-11-19', n: 4, sumAbsError, sumAbsActual: 40, sumError: 0, sumSquaredError: 16, role: 'active' });
  for (const [deviceId, records] of [['dev-1', [accuracy(1, 'demand', 1, 4), accuracy(2, 'demand', 2, 8)]], ['dev-2', [accuracy(1, 'stockout', 1, 12)]]] as const) {
    await api.fleet.enrolDevice({ id: deviceId, ...enrolment });
    api.ingest?.ingest(deviceId, upBatchSchema.parse({ ...envelope({ role: 'device', id: deviceId }), type: 'batch', fromSeq: 1, toSeq: records.length, records }));
  }
  const get = async (query: string): Promise<Record<string, unknown>> => (await call(api, 'GET', `/v1/telemetry/accuracy${query}`, api.tokens.viewer)).json;
  t.like(await get(''), { n: 12, devices: 2, wape: 24 / 120 });
  t.like(await get('?model=demand'), { n: 8, devices: 1, wape: 12 / 80 });
  t.like(await get('?model=demand&version=2'), { n: 4, devices: 1, wape: 8 / 40 });
  t.like(await get('?selector=device:dev-2'), { n: 4, devices: 1, wape: 12 / 40 });
});
