import '../broker/quiet-logs.js';
import test from 'ava';
import { makeBundleSet, type BundleSet } from '../helpers.js';
import { rolloutHarness, sentVersion, type RolloutHarness } from './harness.js';
import type { RolloutSpecInput } from '../../../cloud-controller/rollouts/spec.js';

/**
 * The rollout engine on a real data dir with a settable clock (issue #13): maintenance windows
 * in two time zones, the WAPE quality gate with automatic rollback, resume after a restart,
 * operator actions, approvals with four eyes, environments and spec validation. The device side
 * answers as an agent would; test/e2e/rollouts.test.ts runs the same against real agents.
 */

let bundles: BundleSet;
test.before(async () => {
  bundles = await makeBundleSet('demand', 3);
});

const DAILY: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'> = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function spec(overrides: Partial<RolloutSpecInput> = {}): RolloutSpecInput {
  return { model: 'demand', version: 2, selector: 'all', waves: [{ size: 1 }, { size: '100%' }], ...overrides };
}

async function harnessWith(devices: string[], options: Parameters<typeof rolloutHarness>[1] = {}): Promise<RolloutHarness> {
  const h = await rolloutHarness(bundles, options);
  h.registry.promote('demand', 2, 'Production', 'alice');
  for (const id of devices) await h.enrol(id);
  return h;
}

/** Every device that was sent the version reports it committed. */
function commitAll(h: RolloutHarness, version = 2): void {
  for (const id of sentVersion(h, version)) if (h.deployments.deviceStatus(id)?.status !== 'committed') h.report(id, 'committed');
}

test('maintenance windows: a store inside its opening hours in its own time zone is updated only once they end', async (t) => {
  const h = await rolloutHarness(bundles);
  h.registry.promote('demand', 2, 'Production', 'alice');
  const hours = [{ days: DAILY, open: '08:00', close: '20:00' }];
  // 12:00 UTC on a Monday: 13:00 in Berlin (open), 07:00 in New York (closed).
  await h.enrol('berlin', { timezone: 'Europe/Berlin', openingHours: hours });
  await h.enrol('new-york', { timezone: 'America/New_York', openingHours: hours, region: 'us' });
  const rollout = h.engine.create(spec({ waves: [{ size: '100%' }] }), 'alice');
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), ['new-york'], 'the closed store is updated at once (positive control)');
  const deferred = h.engine.status(rollout.rolloutId).decisions.filter((d) => d.event === 'deferred');
  t.is(deferred.length, 1);
  t.like(deferred[0].evidence, { deviceId: 'berlin', timezone: 'Europe/Berlin' });

  h.report('new-york', 'committed');
  h.clock.current = new Date('2026-03-02T18:59:00.000Z'); // 19:59 in Berlin: still open
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), ['new-york'], 'not a minute before closing');
  t.is(h.engine.store.get(rollout.rolloutId).state, 'deploying', 'the wave waits for the open store');

  h.clock.current = new Date('2026-03-02T19:00:00.000Z'); // 20:00 in Berlin: closed
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), ['new-york', 'berlin']);
  h.report('berlin', 'committed');
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'completed');
});

test('the WAPE gate aborts at the canary wave, the canary is rolled back with a signed downgrade, no other device receives the version', async (t) => {
  const devices = ['d1', 'd2', 'd3', 'd4'];
  const h = await harnessWith(devices);
  const rollout = h.engine.create(spec({ waves: [{ size: 1, bakeSeconds: 3_600, success: { maxWapeRatio: 1.2, minActuals: 10 } }, { size: '100%' }] }), 'alice');
  await h.engine.tick();
  const [canary] = sentVersion(h, 2);
  t.truthy(canary);
  h.report(canary, 'committed');
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'baking');

  // Champion (v1) on the other stores: WAPE 0.2; the canary's v2: WAPE 0.5 → ratio 2.5.
  for (const id of devices.filter((d) => d !== canary)) h.accuracy(id, 1, { n: 20, sumAbsError: 20, sumAbsActual: 100 });
  h.accuracy(canary, 2, { n: 5, sumAbsError: 25, sumAbsActual: 50 });
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'baking', 'too few actuals on the canary: not judged yet');
  h.accuracy(canary, 2, { n: 10, sumAbsError: 50, sumAbsActual: 100 });
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'aborting', 'aborted during the bake, before the bake time ended');
  const rollback = h.sent.at(-1);
  t.is(rollback?.deviceId, canary);
  t.is(rollback?.command.model.version, 1);
  t.truthy(rollback?.command.downgradeAuthorization, 'the rollback carries the controller-signed authorization');
  h.report(canary, 'committed');
  await h.engine.tick();
  const status = h.engine.status(rollout.rolloutId);
  t.is(status.rollout.state, 'aborted');
  t.deepEqual(sentVersion(h, 2), [canary], 'no other device ever received v2');
  const gate = status.decisions.find((d) => d.event === 'gate_failed');
  t.regex(gate?.reason ?? '', /WAPE 2\.500/);
  t.like(gate?.evidence, { accuracy: { wapeRatio: 2.5, comparableDevices: 3 } });
  t.like(status.devices[0], { deviceId: canary, status: 'rolled_back', previous: { name: 'demand', version: 1 } });
  t.like(h.registry.history('demand').at(-1), { kind: 'rollback', from: 'v2', to: 'v1' });
});

test('install failures above the threshold abort once enough devices executed', async (t) => {
  const h = await harnessWith(['d1', 'd2', 'd3', 'd4']);
  const rollout = h.engine.create(spec({ waves: [{ size: 2 }, { size: '100%' }], abort: { maxFailurePercent: 40, minExecuted: 2 } }), 'alice');
  await h.engine.tick();
  const [first, second] = sentVersion(h, 2);
  h.report(first, 'failed', 'FC_ERR_BUNDLE_SIGNATURE');
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'deploying', 'one execution is below minExecuted');
  h.report(second, 'committed');
  await h.engine.tick();
  const state = h.engine.store.get(rollout.rolloutId).state;
  t.true(state === 'aborting' || state === 'aborted');
  t.regex(h.engine.status(rollout.rolloutId).decisions.find((d) => d.event === 'gate_failed')?.reason ?? '', /install failures 1\/2/);
});

test('a restarted engine resumes the stored state: no device is sent the version twice, bake time follows the injected clock', async (t) => {
  const devices = ['d1', 'd2', 'd3', 'd4', 'd5'];
  const h = await harnessWith(devices);
  const rollout = h.engine.create(spec({ waves: [{ size: 1, bakeSeconds: 600 }, { size: '40%', bakeSeconds: 600 }, { size: '100%' }] }), 'alice');
  await h.engine.tick();
  commitAll(h);
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'baking');
  h.clock.advance(599_000);
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'baking', 'bake not over');
  h.clock.advance(1_000);
  await h.engine.tick();
  t.is(sentVersion(h, 2).length, 2, 'wave 2 (40% of 5) sent');

  // "Kill" mid-wave: a new engine on the same database; the old one is simply dropped.
  const engine = h.restart();
  await engine.tick();
  await engine.tick();
  t.is(sentVersion(h, 2).length, 2, 'the resumed step re-sends nothing');
  commitAll(h);
  await engine.tick();
  h.clock.advance(600_000);
  await engine.tick();
  commitAll(h);
  await engine.tick();
  t.is(engine.store.get(rollout.rolloutId).state, 'completed');
  const sent = sentVersion(h, 2);
  t.deepEqual([...sent].sort(), [...devices].sort());
  t.is(new Set(sent).size, sent.length, 'each device sent once');
});

test('a device row written just before a crash, whose command never went out, is sent on resume', async (t) => {
  const h = await harnessWith(['d1', 'd2', 'd3']);
  const rollout = h.engine.create(spec({ waves: [{ size: 1 }, { size: '100%' }] }), 'alice');
  // The state the step persists before its side effect, as a controller killed between the two leaves it.
  h.engine.store.assign(rollout.rolloutId, 'd2', 0, { name: 'demand', version: 1 });
  await h.restart().tick();
  t.deepEqual(sentVersion(h, 2), ['d2'], 'the recorded device is the canary and is sent the version once');
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), ['d2']);
});

test('an install that failed for a transient reason is retried under a new attempt id before it counts as failed', async (t) => {
  const h = await harnessWith(['d1', 'd2']);
  const rollout = h.engine.create(spec({ waves: [{ size: '100%' }], installRetries: 1 }), 'alice');
  await h.engine.tick();
  h.report('d1', 'committed');
  h.report('d2', 'failed', 'FC_ERR_UPDATE_DOWNLOAD_FAILED');
  await h.engine.tick();
  t.deepEqual(h.sent.map((s) => `${s.deviceId}:${s.command.deploymentId.replace(rollout.rolloutId, '')}`).sort(), ['d1:-w0', 'd2:-w0', 'd2:-w0-r1']);
  t.is(h.engine.store.get(rollout.rolloutId).state, 'deploying', 'not failed while a retry runs');
  h.report('d2', 'failed', 'FC_ERR_UPDATE_DOWNLOAD_FAILED');
  await h.engine.tick();
  t.is(sentVersion(h, 2).length, 3, 'retries exhausted: no further attempt');
  t.true(['aborting', 'aborted'].includes(h.engine.store.get(rollout.rolloutId).state));
});

test('a device joining the target mid-rollout is taken into the current wave by its place', async (t) => {
  const h = await harnessWith(['d1', 'd2']);
  const rollout = h.engine.create(spec({ waves: [{ size: 1 }, { size: '100%' }] }), 'alice');
  await h.engine.tick();
  commitAll(h);
  await h.engine.tick();
  await h.engine.tick();
  await h.enrol('late');
  await h.engine.tick();
  commitAll(h);
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'completed');
  t.true(sentVersion(h, 2).includes('late'));
});

test('pause, resume, abort and approval gates go through the transition table; four eyes on approvals', async (t) => {
  const h = await harnessWith(['d1', 'd2', 'd3'], { fourEyes: true });
  const rollout = h.engine.create(spec({ waves: [{ size: 1 }, { size: '100%', requireApproval: true }] }), 'alice');
  t.is(h.engine.pause(rollout.rolloutId, 'bob').state, 'paused');
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), [], 'nothing is sent while paused');
  t.is((t.throws(() => h.engine.pause(rollout.rolloutId, 'bob')) as { code?: string }).code, 'FC_ERR_ROLLOUT_INVALID_TRANSITION');
  t.is(h.engine.resume(rollout.rolloutId, 'bob').state, 'deploying');
  await h.engine.tick();
  commitAll(h);
  await h.engine.tick();
  t.is(h.engine.store.get(rollout.rolloutId).state, 'awaiting_approval');
  t.is(sentVersion(h, 2).length, 1);
  t.is((t.throws(() => h.engine.approve(rollout.rolloutId, 'alice')) as { code?: string }).code, 'FC_ERR_SELF_APPROVAL');
  t.is(h.engine.approve(rollout.rolloutId, 'bob').state, 'deploying');
  await h.engine.tick();
  t.is(sentVersion(h, 2).length, 3);
  t.is(h.engine.abort(rollout.rolloutId, 'bob').state, 'aborting');
  await h.engine.tick();
  t.is(sentVersion(h, 1).length, 3, 'every updated device is sent back to v1');
  const actors = h.engine.status(rollout.rolloutId).decisions.filter((d) => d.actor !== 'controller').map((d) => `${d.event}:${d.actor}`);
  t.deepEqual(actors, ['created:alice', 'pause:bob', 'resume:bob', 'approved:bob', 'abort:bob']);
});

test('environments: Development versions are refused, staging goes to the staging group, production may require a completed staging rollout', async (t) => {
  const h = await rolloutHarness(bundles, { stagingSelector: 'tag:staging', requireStaging: true });
  await h.enrol('lab', { tags: ['staging'] });
  await h.enrol('shop');
  const code = (fn: () => unknown): string | undefined => (t.throws(fn) as { code?: string }).code;
  t.is(code(() => h.engine.create(spec({ environment: 'staging' }), 'alice')), 'FC_ERR_ROLLOUT_ENVIRONMENT', 'v2 is still Development');
  h.registry.promote('demand', 2, 'Staging', 'alice');
  const staging = h.engine.create(spec({ environment: 'staging', selector: undefined, waves: [{ size: '100%' }] }), 'alice');
  t.is(staging.selector, 'tag:staging');
  h.registry.promote('demand', 2, 'Production', 'alice');
  t.is(code(() => h.engine.create(spec(), 'alice')), 'FC_ERR_ROLLOUT_ENVIRONMENT', 'no completed staging rollout yet');
  await h.engine.tick();
  t.deepEqual(sentVersion(h, 2), ['lab']);
  h.report('lab', 'committed');
  await h.engine.tick();
  t.is(h.engine.store.get(staging.rolloutId).state, 'completed');
  t.is(h.engine.create(spec(), 'alice').selector, 'all');
});

test('spec validation: coded errors for shrinking waves, a last wave below 100%, unknown fields and bad opening hours', async (t) => {
  const h = await harnessWith(['d1']);
  const code = (fn: () => unknown): string | undefined => (t.throws(fn) as { code?: string }).code;
  t.is(code(() => h.engine.create(spec({ waves: [{ size: '50%' }, { size: '10%' }, { size: '100%' }] }), 'alice')), 'FC_ERR_ROLLOUT_SPEC');
  t.is(code(() => h.engine.create(spec({ waves: [{ size: 1 }, { size: '50%' }] }), 'alice')), 'FC_ERR_ROLLOUT_SPEC');
  t.is(code(() => h.engine.create({ ...spec(), surprise: true }, 'alice')), 'FC_ERR_ROLLOUT_SPEC');
  t.is(code(() => h.engine.create(spec({ waves: [{ size: '0%' }, { size: '100%' }] }), 'alice')), 'FC_ERR_ROLLOUT_SPEC');
  t.is(code(() => h.engine.status('nope')), 'FC_ERR_ROLLOUT_NOT_FOUND');
  t.is(code(() => h.fleet.setStoreHours('d1', [{ days: ['mon'], open: '20:00', close: '08:00' }])), 'FC_ERR_INVALID_REQUEST');
  t.is(code(() => h.fleet.setStoreHours('d1', [{ days: ['someday'], open: '08:00', close: '20:00' }])), 'FC_ERR_INVALID_REQUEST');
  t.deepEqual(h.fleet.setStoreHours('d1', [{ days: ['mon'], open: '08:00', close: '20:00' }])[0].openingHours, [{ days: ['mon'], open: '08:00', close: '20:00' }]);
  // A stored row that no longer parses is read as "no hours", never a failed restart.
  h.db.prepare("UPDATE devices SET opening_hours = 'not json' WHERE id = 'd1'").run();
  t.deepEqual(h.fleet.getDevice('d1').openingHours, []);
});
