import type { AlertChannel, AlertNotification } from './channel.js';

/** POSTs JSON; anything but a 2xx answer is a failed attempt (the queue retries it). */
async function postJson(url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${new URL(url).host}`);
}

/** Generic webhook: `{ event, summary, alert }`. */
export class WebhookChannel implements AlertChannel {
  constructor(readonly name: string, private readonly url: string, private readonly headers: Record<string, string> = {}) {}

  send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
    return postJson(this.url, notification, signal, this.headers);
  }
}

/** Slack-compatible incoming webhook: `{ text }`. */
export class SlackChannel implements AlertChannel {
  constructor(readonly name: string, private readonly url: string) {}

  send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
    return postJson(this.url, { text: notification.summary }, signal);
  }
}

const PAGERDUTY_ACTION = { trigger: 'trigger', escalate: 'trigger', acknowledge: 'acknowledge', resolve: 'resolve' } as const;

/**
 * PagerDuty Events API v2: the alert id is the `dedup_key`, so trigger, acknowledge and resolve
 * act on one incident; an escalation re-triggers it as critical.
 */
export class PagerDutyChannel implements AlertChannel {
  constructor(readonly name: string, private readonly url: string, private readonly routingKey: string) {}

  send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
    const { alert, event } = notification;
    const action = PAGERDUTY_ACTION[event];
    const body = {
      routing_key: this.routingKey,
      event_action: action,
      dedup_key: alert.id,
      ...(action === 'trigger'
        ? { payload: { summary: notification.summary.slice(0, 1024), source: `fleetcast/${alert.level}/${alert.subject}`, severity: event === 'escalate' ? 'critical' : alert.severity, component: alert.model ?? undefined, group: alert.rule, custom_details: alert.evidence } }
        : {}),
    };
    return postJson(this.url, body, signal);
  }
}
