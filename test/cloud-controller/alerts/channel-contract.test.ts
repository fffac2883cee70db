import test from 'ava';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AlertChannel, AlertNotification } from '../../../cloud-controller/alerts/channels/channel.js';
import { summarize } from '../../../cloud-controller/alerts/channels/channel.js';
import { createChannel } from '../../../cloud-controller/alerts/channels/create-channel.js';
import { channelConfigSchema, type AlertView, type ChannelConfig } from '../../../cloud-controller/alerts/schema.js';
import { startHttpReceiver, startSmtpReceiver } from './receivers.js';

const alert: AlertView = {
  id: 'alert-0123456789ab', rule: 'wape-store', severity: 'critical', level: 'store', subject: 's1', model: 'units', state: 'open', openedAt: '2026-03-04T00:00:00.000Z',
  acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, escalatedAt: null,
  evidence: { metric: 'accuracy.wape', threshold: 0.3, comparison: 'above', windows: [{ windowStart: '2026-03-03T00:00:00.000Z', windowEnd: '2026-03-04T00:00:00.000Z', value: 0.41, n: 120 }] },
};
const notification: AlertNotification = { event: 'trigger', alert, summary: summarize('trigger', alert) };

/** A receiver for one channel kind: the config pointing at it, what it got, and a config pointing at nothing. */
interface Receiver {
  config: ChannelConfig;
  received: () => unknown[];
  downConfig: ChannelConfig | null;
  close: () => Promise<void>;
}

async function receiverFor(kind: ChannelConfig['kind']): Promise<Receiver> {
  if (kind === 'email') {
    const smtp = await startSmtpReceiver();
    const base = { name: 'c', kind, host: '127.0.0.1', from: 'fleetcast@example.com', to: ['oncall@example.com'] };
    return { config: channelConfigSchema.parse({ ...base, port: smtp.port }), received: () => smtp.messages, downConfig: channelConfigSchema.parse({ ...base, port: 1 }), close: smtp.close };
  }
  if (kind === 'log') return { config: channelConfigSchema.parse({ name: 'c', kind }), received: () => [], downConfig: null, close: async () => undefined };
  const http = await startHttpReceiver();
  const extra = kind === 'pagerduty' ? { routingKey: 'KEY' } : {};
  return {
    config: channelConfigSchema.parse({ name: 'c', kind, url: http.url('/hook'), ...extra }),
    received: () => http.requests.map((request) => request.body),
    downConfig: channelConfigSchema.parse({ name: 'c', kind, url: http.url('/fail'), ...extra }),
    close: http.close,
  };
}

/** What each kind's receiver must have got for the notification. */
const expectations: Record<ChannelConfig['kind'], (received: unknown, t: { regex: (a: string, b: RegExp) => void; like: (a: unknown, b: Record<string, unknown>) => void }) => void> = {
  log: (line, t) => t.like(line, { event: 'trigger', msg: notification.summary }),
  webhook: (body, t) => t.like(body, { event: 'trigger', summary: notification.summary, alert: { id: alert.id } }),
  slack: (body, t) => t.like(body, { text: notification.summary }),
  pagerduty: (body, t) => t.like(body, { routing_key: 'KEY', event_action: 'trigger', dedup_key: alert.id, payload: { severity: 'critical', source: 'fleetcast/store/s1' } }),
  email: (message, t) => t.regex(String(message), /X-Fleetcast-Alert: alert-0123456789ab/),
};

for (const kind of ['log', 'webhook', 'slack', 'pagerduty', 'email'] as const) {
  test(`channel contract: ${kind} delivers one notification and rejects when its receiver fails`, async (t) => {
    const receiver = await receiverFor(kind);
    t.teardown(receiver.close);
    const lines: unknown[] = [];
    const log = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString('utf8'))); done(); } }));
    const channel: AlertChannel = createChannel(receiver.config, { log, timeoutMs: 5_000 });
    t.teardown(() => channel.close?.());
    t.is(channel.name, 'c');
    await channel.send(notification, AbortSignal.timeout(5_000));
    const received = kind === 'log' ? lines : receiver.received();
    t.is(received.length, 1);
    expectations[kind](received[0], t);
    if (receiver.downConfig) {
      const down = createChannel(receiver.downConfig, { log, timeoutMs: 2_000 });
      t.teardown(() => down.close?.());
      await t.throwsAsync(down.send(notification, AbortSignal.timeout(5_000)));
    }
  });
}
