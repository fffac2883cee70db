import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { DeploymentEvent } from '../../../protocols/messages/evt.js';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { UpdateStateStore } from '../../../edge-agent/update/state-store.js';
import { EventReporter } from '../../../edge-agent/update/event-reporter.js';
import type { UplinkPort } from '../../../edge-agent/ports.js';

function openStore(t: { teardown(fn: () => void): void }): UpdateStateStore {
  const dir = mkdtempSync(join(tmpdir(), 'fc-evt-'));
  const db = openAgentDb(join(dir, 'agent.db'));
  // The sender's retry timer is unref'd (it must not keep a finished CLI alive); this keeps the test process up.
  const keepAlive = setInterval(() => undefined, 1_000);
  t.teardown(() => {
    clearInterval(keepAlive);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return new UpdateStateStore(db);
}

function queueEvents(store: UpdateStateStore, count: number): DeploymentEvent[] {
  const events: DeploymentEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const event: DeploymentEvent = { ...envelope({ role: 'device', id: 'dev-e' }), type: 'deployment', deploymentId: 'dep-1', model: { name: 'm', version: 1 }, from: 'idle', to: 'downloading' };
    store.persistTransition('downloading', null, event, null);
    events.push(event);
  }
  return events;
}

/** Captured pino lines at every level. */
function captureLogger(): { logger: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

/**
 * An uplink that loses its first publish the way mqtt.js did after a reconnect — the promise
 * never settles — and delivers every later one; `lost` resolves at the loss, `delivered`
 * once `expected` events went through.
 */
function losesFirstPublish(expected: number): { uplink: UplinkPort; ids: string[]; lost: Promise<void>; delivered: Promise<void> } {
  const ids: string[] = [];
  let calls = 0;
  let onLost: () => void = () => undefined;
  let onDelivered: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (onLost = resolve));
  const delivered = new Promise<void>((resolve) => (onDelivered = resolve));
  const uplink: UplinkPort = {
    publish: (_channel, message) => {
      calls += 1;
      if (calls === 1) {
        onLost();
        return new Promise(() => undefined);
      }
      ids.push((message as DeploymentEvent).id);
      if (ids.length === expected) onDelivered();
      return Promise.resolve();
    },
    subscribe: () => () => undefined,
  };
  return { uplink, ids, lost, delivered };
}

/** Issue #9 finding 6: a QoS 1 publish lost with its connection held the sender forever. */
test('event sender: a publish lost with the connection is sent again after the reconnect; every event is dequeued in order', async (t) => {
  const store = openStore(t);
  const queued = queueEvents(store, 3);
  const port = losesFirstPublish(3);
  const reporter = new EventReporter(store, port.uplink, captureLogger().logger, { publishTimeoutMs: 60_000 });
  void reporter.flush();
  await port.lost;
  t.is(store.queuedEvents().length, 3, 'nothing dequeued while the publish hangs');
  await reporter.restart();
  t.deepEqual(port.ids, queued.map((event) => event.id));
  t.is(store.queuedEvents().length, 0);
});

test('event sender: a publish with no PUBACK before its deadline is retried without a reconnect', async (t) => {
  const store = openStore(t);
  const queued = queueEvents(store, 2);
  const port = losesFirstPublish(2);
  const reporter = new EventReporter(store, port.uplink, captureLogger().logger, { publishTimeoutMs: 50, retry: { minMs: 1, maxMs: 10, jitter: 0 } });
  void reporter.flush();
  await port.delivered;
  t.deepEqual(port.ids, queued.map((event) => event.id));
  t.true(await waitFor(() => store.queuedEvents().length === 0));
});

test('event sender with no uplink: a streak of failures is logged once, without a stack trace; events stay queued (issue #9 finding 13)', async (t) => {
  const store = openStore(t);
  queueEvents(store, 2);
  const { logger, lines } = captureLogger();
  let attempts = 0;
  let wake: () => void = () => undefined;
  const fiveAttempts = new Promise<void>((resolve) => (wake = resolve));
  const offline: UplinkPort = {
    publish: () => {
      attempts += 1;
      if (attempts === 5) wake();
      return Promise.reject(new FleetcastError('FC_ERR_AGENT_NO_UPLINK'));
    },
    subscribe: () => () => undefined,
  };
  const reporter = new EventReporter(store, offline, logger, { retry: { minMs: 1, maxMs: 2, jitter: 0 } });
  void reporter.flush();
  await fiveAttempts;
  const warnings = lines.filter((line) => line.level >= 40);
  t.is(warnings.length, 1);
  t.like(warnings[0], { code: 'FC_ERR_AGENT_NO_UPLINK' });
  t.false(JSON.stringify(warnings[0]).includes('stack'));
  t.is(store.queuedEvents().length, 2);
  reporter.stop();
});

async function waitFor(predicate: () => boolean): Promise<boolean> {
  for (let i = 0; i < 500 && !predicate(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  return predicate();
}
