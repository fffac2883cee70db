import type { AlertEvent, AlertView } from '../schema.js';

/** One notification: what happened to which alert, with a one-line summary for humans. */
export interface AlertNotification {
  event: AlertEvent;
  alert: AlertView;
  summary: string;
}

/**
 * A notification channel (issue #12). `send` resolves once the receiver accepted the
 * notification and rejects otherwise; it must give up when `signal` aborts. Retries and their
 * record live in the delivery queue, never in a channel.
 */
export interface AlertChannel {
  readonly name: string;
  send(notification: AlertNotification, signal: AbortSignal): Promise<void>;
  /** Releases connections (SMTP pools); optional. */
  close?(): void;
}

const VERBS: Record<AlertEvent, string> = { trigger: 'FIRING', escalate: 'ESCALATED', acknowledge: 'acknowledged', resolve: 'resolved' };

/** `[critical] FIRING accuracy-store on store s1: accuracy.cusum 1.5 ≥ 1 (2 windows)`. */
export function summarize(event: AlertEvent, alert: AlertView): string {
  const latest = alert.evidence.windows.at(-1);
  const value = latest ? `${alert.evidence.metric} ${Number(latest.value.toPrecision(4))} ${alert.evidence.comparison === 'above' ? '≥' : '≤'} ${alert.evidence.threshold}` : alert.evidence.metric;
  return `[${alert.severity}] ${VERBS[event]} ${alert.rule} on ${alert.level} ${alert.subject}${alert.model ? ` (${alert.model})` : ''}: ${value} (${alert.evidence.windows.length} window(s)) — ${alert.id}`;
}
