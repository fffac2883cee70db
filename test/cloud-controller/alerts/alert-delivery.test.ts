import test from 'ava';
import { AlertManager } from '../../../cloud-controller/alerts/alert-manager.js';
import { controllerMetricSource } from '../../../cloud-controller/alerts/controller-metrics.js';
import { alertsConfigSchema, type AlertsConfigInput } from '../../../cloud-controller/alerts/schema.js';
import { accuracyMonitoringConfigSchema } from '../../../cloud-controller/monitoring/accuracy/thresholds.js';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { openTestRegistry, tempDir, TestClock } from '../helpers.js';
import { enrolTestDevices, degradedPairs, ingestPairs } from '../monitoring/accuracy/accuracy-fixture.js';
import { startHttpReceiver, startSilentServer, startSmtpReceiver } from './receivers.js';

test('one critical alert reaches a webhook and an SMTP server once each, survives the webhook being down, and escalates when nobody acknowledges', async (t) => {
  const dataDir = tempDir();
  const key = makeSigningKey();
  const bundle = await makeTestBundle({ dir: tempDir(), name: 'units', version: 1, key });
  const { registry, db } = openTestRegistry(dataDir, key);
  await registry.push(bundle.path, 'alice');
  const fleet = await enrolTestDevices(db);
  ingestPairs(db, degradedPairs('d1a', 4), { name: 'units', version: 1 });

  // The webhook's port is taken, then released: the receiver is down until it starts again there.
  const down = await startHttpReceiver();
  const hookPort = down.port;
  await down.close();
  const smtp = await startSmtpReceiver();
  const pager = await startHttpReceiver();
  t.teardown(() => Promise.all([smtp.close(), pager.close()]).then(() => undefined));

  const config: AlertsConfigInput = {
    rules: [{ name: 'accuracy-store', metric: 'accuracy.cusum', level: 'store', model: 'units', threshold: 1, severity: 'critical', channels: ['hook', 'mail'] }],
    channels: [
      { name: 'hook', kind: 'webhook', url: `http://127.0.0.1:${hookPort}/alerts` },
      { name: 'mail', kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'fleetcast@example.com', to: ['oncall@example.com'] },
      { name: 'pager', kind: 'pagerduty', url: pager.url('/v2/enqueue'), routingKey: 'R0UT1NGKEY' },
    ],
    escalation: { afterSeconds: 600, channels: ['pager'] },
    delivery: { initialBackoffSeconds: 5, timeoutSeconds: 5 },
  };
  const clock = new TestClock(new Date('2026-03-04T06:00:00.000Z'));
  const manager = new AlertManager({
    db,
    config: alertsConfigSchema.parse(config),
    source: controllerMetricSource(db, fleet, accuracyMonitoringConfigSchema.parse({})),
    now: clock.now,
    log: createLogger('test', { level: 'silent' }),
  });
  t.teardown(() => manager.stop());

  await manager.tick();
  const [alert] = manager.list();
  t.is(alert.state, 'open');
  t.is(alert.subject, 's1');
  t.is(alert.evidence.metric, 'accuracy.cusum');
  t.is(manager.list().length, 1, 'one alert per rule and subject');
  t.is(smtp.messages.length, 1);
  t.regex(smtp.messages[0], /FIRING accuracy-store on store s1/);
  const [hookFailure] = manager.queue.list(alert.id).filter((delivery) => delivery.channel === 'hook');
  t.is(hookFailure.status, 'pending');
  t.is(hookFailure.attempts, 1);
  t.truthy(hookFailure.lastError);

  // The webhook comes back; its retry waits for the backoff, then delivers exactly once.
  const hook = await startHttpReceiver(hookPort);
  t.teardown(() => hook.close());
  clock.advance(4_000);
  await manager.tick();
  t.is(hook.requests.length, 0, 'not before the backoff');
  clock.advance(1_000);
  await manager.tick();
  t.is(hook.requests.length, 1);
  t.is(hook.requests[0].body.event, 'trigger');
  t.is((hook.requests[0].body.alert as { id: string }).id, alert.id);

  // Nobody acknowledges: after the escalation delay the pager hears of it, once.
  clock.advance(600_000);
  await manager.tick();
  await manager.tick();
  t.is(pager.requests.length, 1);
  t.like(pager.requests[0].body, { routing_key: 'R0UT1NGKEY', event_action: 'trigger', dedup_key: alert.id, payload: { severity: 'critical' } });
  // The escalation arriving proves later notifications get through; the first ones still arrived once.
  t.is(hook.requests.length, 1);
  t.is(smtp.messages.length, 1);
  t.truthy(manager.list()[0].escalatedAt);

  // Acknowledge, then resolve: each channel hears each event once, the pager resolves its incident.
  manager.acknowledge(alert.id, 'alice');
  manager.resolve(alert.id, 'alice');
  // Deliver only: a new evaluation would rightly open a new alert, the shift being still there.
  await manager.deliver();
  t.deepEqual(hook.requests.map((request) => request.body.event), ['trigger', 'acknowledge', 'resolve']);
  t.is(smtp.messages.length, 3);
  t.deepEqual(pager.requests.map((request) => request.body.event_action), ['trigger', 'resolve']);
  t.true(manager.queue.list().every((delivery) => delivery.status === 'delivered'));
});

test('a receiver that hangs delays nothing else: e-mail goes out while the webhook attempt is still waiting, which then fails by its time limit', async (t) => {
  const { db } = openTestRegistry(tempDir(), makeSigningKey());
  const fleet = await enrolTestDevices(db);
  ingestPairs(db, degradedPairs('d2', 4), { name: 'units', version: 1 });
  const silent = await startSilentServer();
  const smtp = await startSmtpReceiver();
  t.teardown(() => Promise.all([silent.close(), smtp.close()]).then(() => undefined));
  const manager = new AlertManager({
    db,
    config: alertsConfigSchema.parse({
      rules: [{ name: 'wape-store', metric: 'accuracy.wape', level: 'store', threshold: 0.3, channels: ['hook', 'mail'] }],
      channels: [
        { name: 'hook', kind: 'webhook', url: `http://127.0.0.1:${silent.port}/alerts` },
        { name: 'mail', kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'fleetcast@example.com', to: ['oncall@example.com'] },
      ],
      // Long enough that the e-mail surely arrives first on a loaded machine, short enough for the suite.
      delivery: { timeoutSeconds: 4 },
    }),
    source: controllerMetricSource(db, fleet, accuracyMonitoringConfigSchema.parse({})),
    now: new TestClock(new Date('2026-03-04T06:00:00.000Z')).now,
    log: createLogger('test', { level: 'silent' }),
  });
  t.teardown(() => manager.stop());
  const mail = smtp.nextMessage();
  const round = manager.tick();
  t.regex(await mail, /FIRING wape-store on store s2/);
  const hookWhileMailed = manager.queue.list().find((delivery) => delivery.channel === 'hook');
  t.like(hookWhileMailed, { status: 'pending', attempts: 0 });
  await round;
  const [hook] = manager.queue.list().filter((delivery) => delivery.channel === 'hook');
  t.like(hook, { status: 'pending', attempts: 1 });
  t.truthy(hook.lastError);
  t.like(manager.queue.list().find((delivery) => delivery.channel === 'mail'), { status: 'delivered', attempts: 1 });
});
