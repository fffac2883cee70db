import '../broker/quiet-logs.js';
import test from 'ava';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { buildApiServer } from '../../../cloud-controller/api/server.js';
import { registerRolloutRoutes } from '../../../cloud-controller/api/routes/rollout-routes.js';
import { TokenStore } from '../../../cloud-controller/auth/tokens.js';
import { AuditLog } from '../../../cloud-controller/auth/audit-log.js';
import { Predictor } from '../../../cloud-controller/predict/predictor.js';
import { makeBundleSet } from '../helpers.js';
import { rolloutHarness } from './harness.js';

/** The rollout REST routes (issue #13): operators act, viewers read, every write is audited; errors are coded. */
test('rollout routes: roles, coded errors, decisions name the operator, opening hours validated, audit log', async (t) => {
  const bundles = await makeBundleSet('demand', 2);
  const h = await rolloutHarness(bundles);
  h.registry.promote('demand', 2, 'Production', 'alice');
  for (const id of ['d1', 'd2']) await h.enrol(id);
  const tokens = new TokenStore(h.db);
  const audit = new AuditLog(h.db);
  const predictor = new Predictor(h.registry, trustedKeysFromPems([bundles.key.publicKeyPem]));
  const app = await buildApiServer({ registry: h.registry, fleet: h.fleet, tokens, audit, predictor, plugins: [{ register: (scope) => registerRolloutRoutes(scope, { engine: h.engine, fleet: h.fleet }) }] });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await predictor.close();
  });
  const viewer = tokens.create('vera', 'viewer').token;
  const operator = tokens.create('otto', 'operator').token;
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const codeOf = (response: { json: Record<string, unknown> }): unknown => (response.json.error as { code?: string } | undefined)?.code;
  const spec = { rolloutId: 'ro-api', model: 'demand', version: 2, waves: [{ size: 1 }, { size: '100%' }] };

  t.is(codeOf(await call('POST', '/v1/rollouts', viewer, spec)), 'FC_ERR_FORBIDDEN');
  const bad = await call('POST', '/v1/rollouts', operator, { ...spec, waves: [{ size: '50%' }] });
  t.is(bad.status, 400);
  t.is(codeOf(bad), 'FC_ERR_ROLLOUT_SPEC');
  const created = await call('POST', '/v1/rollouts', operator, spec);
  t.is(created.status, 201);
  t.like(created.json, { rolloutId: 'ro-api', state: 'deploying', createdBy: 'otto' });

  t.is((await call('POST', '/v1/rollouts/ro-api/pause', operator, { reason: 'store event' })).json.state, 'paused');
  const again = await call('POST', '/v1/rollouts/ro-api/pause', operator, {});
  t.is(again.status, 400);
  t.is(codeOf(again), 'FC_ERR_ROLLOUT_INVALID_TRANSITION');
  t.is(codeOf(await call('GET', '/v1/rollouts/nope', viewer)), 'FC_ERR_ROLLOUT_NOT_FOUND');

  const status = await call('GET', '/v1/rollouts/ro-api', viewer);
  t.is(status.status, 200);
  const decisions = status.json.decisions as Array<{ event: string; actor: string; reason: string }>;
  t.like(decisions.at(-1), { event: 'pause', actor: 'otto', reason: 'store event' });
  t.is(((await call('GET', '/v1/rollouts', viewer)).json.rollouts as unknown[]).length, 1);

  const hours = [{ days: ['mon', 'tue'], open: '09:00', close: '18:30' }];
  const set = await call('PUT', '/v1/stores/d1/opening-hours', operator, hours);
  t.deepEqual((set.json.devices as Array<{ openingHours: unknown }>)[0].openingHours, hours);
  t.is(codeOf(await call('PUT', '/v1/stores/d1/opening-hours', operator, [{ days: ['mon'], open: '25:00', close: '26:00' }])), 'FC_ERR_INVALID_REQUEST');

  const actions = audit.list(100).map((entry) => `${entry.action} ${entry.status}`);
  t.true(actions.includes('POST /v1/rollouts 201'));
  t.true(actions.includes('POST /v1/rollouts 403'), 'refused writes are audited too');
  t.true(actions.includes('POST /v1/rollouts/ro-api/pause 200'));
});
