import test from 'ava';
import { readFileSync } from 'node:fs';
import { makeBundleSet, type BundleSet } from '../helpers.js';
import { call, errorCode, startTestApi } from './api-harness.js';

let set: BundleSet;
test.before(async () => {
  set = await makeBundleSet('demand', 2);
});

test('unauthenticated calls get 401, viewers cannot mutate (403), operators promote, and the audit log has every mutating call', async (t) => {
  const api = await startTestApi(set.key);
  t.teardown(() => api.close());
  const anonymous = await call(api, 'GET', '/v1/models', null);
  t.is(anonymous.status, 401);
  t.is(errorCode(anonymous.json), 'FC_ERR_UNAUTHENTICATED');
  t.is((await call(api, 'GET', '/v1/models', 'fct_000000000000_notavalidtokenatallnotavalidtokenatallnotava')).status, 401);

  const truncated = await call(api, 'POST', '/v1/models/versions', api.tokens.operator, readFileSync(set.bundles[0].path).subarray(0, 700));
  t.is(truncated.status, 422);
  t.is(errorCode(truncated.json), 'FC_ERR_BUNDLE_TRUNCATED');
  const pushed = await call(api, 'POST', '/v1/models/versions', api.tokens.operator, readFileSync(set.bundles[0].path));
  t.is(pushed.status, 201);
  t.is(pushed.json.sha256, set.bundles[0].sha256);
  t.is((await call(api, 'POST', '/v1/models/versions', api.tokens.operator, readFileSync(set.bundles[1].path))).status, 201);

  const listed = await call(api, 'GET', '/v1/models', api.tokens.viewer);
  t.is(listed.status, 200);
  t.deepEqual(listed.json.models, [{ name: 'demand', versions: 2, production: null }]);

  const refused = await call(api, 'POST', '/v1/models/demand/versions/1/stage', api.tokens.viewer, { stage: 'Production' });
  t.is(refused.status, 403);
  t.is(errorCode(refused.json), 'FC_ERR_FORBIDDEN');

  const promoted = await call(api, 'POST', '/v1/models/demand/versions/1/stage', api.tokens.operator, { stage: 'Production', reason: 'launch' });
  t.is(promoted.status, 200);
  t.is(promoted.json.status, 'applied');
  const second = await call(api, 'POST', '/v1/models/demand/versions/2/stage', api.tokens.operator, { stage: 'Production' });
  t.deepEqual(second.json.archived, [1]);
  t.is(((await call(api, 'GET', '/v1/models/demand/versions/Production', api.tokens.viewer)).json as { version: number }).version, 2);

  const badBody = await call(api, 'POST', '/v1/models/demand/versions/1/stage', api.tokens.operator, { stage: 'Live' });
  t.is(badBody.status, 400);
  t.is(errorCode(badBody.json), 'FC_ERR_INVALID_REQUEST');
  t.is(errorCode((await call(api, 'GET', '/v1/models/demand/versions/9', api.tokens.viewer)).json), 'FC_ERR_MODEL_NOT_FOUND');

  t.is((await call(api, 'GET', '/v1/audit', api.tokens.operator)).status, 403);
  const audit = await call(api, 'GET', '/v1/audit', api.tokens.admin);
  const entries = (audit.json.entries as Array<{ actor: string; action: string; status: number; result: string }>).reverse();
  t.deepEqual(entries.map((e) => [e.actor, e.action, e.status, e.result]), [
    ['otto', 'POST /v1/models/versions', 422, 'FC_ERR_BUNDLE_TRUNCATED'],
    ['otto', 'POST /v1/models/versions', 201, 'ok'],
    ['otto', 'POST /v1/models/versions', 201, 'ok'],
    ['vera', 'POST /v1/models/demand/versions/1/stage', 403, 'FC_ERR_FORBIDDEN'],
    ['otto', 'POST /v1/models/demand/versions/1/stage', 200, 'ok'],
    ['otto', 'POST /v1/models/demand/versions/2/stage', 200, 'ok'],
    ['otto', 'POST /v1/models/demand/versions/1/stage', 400, 'FC_ERR_INVALID_REQUEST'],
  ]);
});

test('second-operator approval over REST; device enrolment returns the secret once', async (t) => {
  const api = await startTestApi(set.key, { requireProductionApproval: true });
  t.teardown(() => api.close());
  await call(api, 'POST', '/v1/models/versions', api.tokens.operator, readFileSync(set.bundles[0].path));
  const requested = await call(api, 'POST', '/v1/models/demand/versions/1/stage', api.tokens.operator, { stage: 'Production' });
  t.is(requested.status, 202);
  const approvalId = (requested.json.approval as { id: number }).id;
  const self = await call(api, 'POST', `/v1/approvals/${approvalId}/approve`, api.tokens.operator, {});
  t.is(self.status, 403);
  t.is(errorCode(self.json), 'FC_ERR_SELF_APPROVAL');
  const approved = await call(api, 'POST', `/v1/approvals/${approvalId}/approve`, api.tokens.operator2, {});
  t.is(approved.status, 200);
  t.is((approved.json.version as { stage: string }).stage, 'Production');

  const enrolled = await call(api, 'POST', '/v1/devices', api.tokens.operator, { id: 'dev-1', store: 's1', region: 'eu-west', timezone: 'UTC', profile: 'pi5', tags: ['pilot'] });
  t.is(enrolled.status, 201);
  t.is(typeof enrolled.json.secret, 'string');
  const shown = await call(api, 'GET', '/v1/devices/dev-1', api.tokens.viewer);
  t.is(shown.status, 200);
  t.false('secret' in shown.json);
  t.is((await call(api, 'GET', '/v1/devices?selector=tag:pilot', api.tokens.viewer)).json.devices instanceof Array, true);
  t.is(errorCode((await call(api, 'GET', '/v1/devices?selector=bogus', api.tokens.viewer)).json), 'FC_ERR_INVALID_SELECTOR');
});

test('OpenAPI document is served at /docs/json and lists the routes', async (t) => {
  const api = await startTestApi(set.key);
  t.teardown(() => api.close());
  const response = await fetch(`${api.base}/docs/json`);
  t.is(response.status, 200);
  const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
  t.regex(doc.openapi, /^3\./);
  for (const path of ['/v1/models', '/v1/models/{name}/versions/{version}/stage', '/v1/devices', '/v1/approvals/{id}/approve']) t.true(path in doc.paths, path);
});
