import { createLogger, type Logger } from '../../protocols/runtime/logger.js';
import type { ControllerDb } from '../storage/db.js';
import { AlertStore, type AlertFilter } from './alert-store.js';
import { summarize, type AlertChannel } from './channels/channel.js';
import { createChannel } from './channels/create-channel.js';
import { DeliveryQueue, type DeliveryRecord } from './delivery-queue.js';
import { evaluateRule } from './evaluate-rule.js';
import type { MetricSource } from './metric-source.js';
import type { AlertEvent, AlertsConfig, AlertView } from './schema.js';

/** What the alert manager runs on. */
export interface AlertManagerOptions {
  db: ControllerDb;
  config: AlertsConfig;
  source: MetricSource;
  /** Channels by name; built from `config.channels` when absent. */
  channels?: readonly AlertChannel[];
  /** Clock of openings, escalation and backoff (tests pass a settable one). */
  now?: () => Date;
  log?: Logger;
}

/** What one evaluation changed. */
export interface EvaluationResult {
  opened: AlertView[];
  resolved: AlertView[];
}

/**
 * Alerting (issue #12): evaluates the rules against the metric source, keeps one alert per
 * rule and subject, escalates critical alerts nobody acknowledged, and delivers every
 * notification through the recorded, retried delivery queue. Each delivery runs on its own,
 * so a channel that is down or slow delays no other channel and no later tick.
 */
export class AlertManager {
  readonly store: AlertStore;
  readonly queue: DeliveryQueue;
  private readonly channels: Map<string, AlertChannel>;
  private readonly now: () => Date;
  private readonly log: Logger;
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertManagerOptions) {
    const { config } = options;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? createLogger('alerts');
    this.store = new AlertStore(options.db);
    this.queue = new DeliveryQueue(options.db, {
      maxAttempts: config.delivery.maxAttempts,
      initialBackoffMs: config.delivery.initialBackoffSeconds * 1_000,
      maxBackoffMs: config.delivery.maxBackoffSeconds * 1_000,
    });
    const channels = options.channels ?? config.channels.map((channel) => createChannel(channel, { log: this.log, timeoutMs: config.delivery.timeoutSeconds * 1_000 }));
    this.channels = new Map(channels.map((channel) => [channel.name, channel]));
  }

  private ruleChannels(ruleName: string): string[] {
    return this.options.config.rules.find((rule) => rule.name === ruleName)?.channels ?? [];
  }

  private notify(alert: AlertView, event: AlertEvent, channels: readonly string[]): void {
    this.queue.enqueue(alert.id, channels, event, this.now());
  }

  /** Evaluates every rule: opens (or refreshes) alerts on breach, resolves auto-resolving ones that cleared. */
  evaluate(): EvaluationResult {
    const result: EvaluationResult = { opened: [], resolved: [] };
    for (const rule of this.options.config.rules) {
      for (const verdict of evaluateRule(rule, this.options.source, this.now())) {
        if (verdict.breached) {
          const { alert, created } = this.store.openOrUpdate(rule, verdict.subject, verdict.evidence, this.now());
          if (!created) continue;
          result.opened.push(alert);
          this.log.info({ alert: alert.id, rule: rule.name, subject: verdict.subject }, 'alert opened');
          this.notify(alert, 'trigger', rule.channels);
        } else if (rule.autoResolve) {
          const open = this.store.unresolved(rule.name, rule.level, verdict.subject);
          if (open) result.resolved.push(this.resolve(open.id, 'fleetcast'));
        }
      }
    }
    return result;
  }

  /** Escalates critical alerts still unacknowledged `escalation.afterSeconds` after they opened. */
  escalate(): AlertView[] {
    const { escalation } = this.options.config;
    const escalated = this.store.dueForEscalation(new Date(this.now().getTime() - escalation.afterSeconds * 1_000));
    for (const alert of escalated) {
      this.store.markEscalated(alert.id, this.now());
      this.log.warn({ alert: alert.id }, 'critical alert not acknowledged: escalated');
      this.notify(alert, 'escalate', escalation.channels);
    }
    return escalated;
  }

  /** Acknowledges an alert (operator action); its channels hear about it once. */
  acknowledge(id: string, actor: string): AlertView {
    const { alert, changed } = this.store.acknowledge(id, actor, this.now());
    if (changed) this.notify(alert, 'acknowledge', this.ruleChannels(alert.rule));
    return alert;
  }

  /** Resolves an alert; its channels (and, if it escalated, the escalation channels) hear about it once. */
  resolve(id: string, actor: string): AlertView {
    const { alert, changed } = this.store.resolve(id, actor, this.now());
    if (changed) this.notify(alert, 'resolve', [...this.ruleChannels(alert.rule), ...(alert.escalatedAt ? this.options.config.escalation.channels : [])]);
    return alert;
  }

  list(filter?: AlertFilter): AlertView[] {
    return this.store.list(filter);
  }

  /** Attempts every due delivery not already under way, all at once; resolves when this round settled. */
  async deliver(): Promise<DeliveryRecord[]> {
    const due = this.queue.due(this.now()).filter((delivery) => !this.inFlight.has(delivery.id));
    await Promise.all(due.map((delivery) => this.attempt(delivery)));
    return due;
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    this.inFlight.add(delivery.id);
    try {
      const channel = this.channels.get(delivery.channel);
      if (!channel) throw new Error(`no channel named ${delivery.channel} in the config`);
      const alert = this.store.get(delivery.alertId);
      await channel.send({ event: delivery.event, alert, summary: summarize(delivery.event, alert) }, AbortSignal.timeout(this.options.config.delivery.timeoutSeconds * 1_000));
      this.queue.delivered(delivery.id, this.now());
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn({ alert: delivery.alertId, channel: delivery.channel, event: delivery.event, attempt: delivery.attempts + 1, err: message }, 'alert delivery failed');
      this.queue.failed(delivery, message, this.now());
    } finally {
      this.inFlight.delete(delivery.id);
    }
  }

  /** One round: evaluate, escalate, deliver. */
  async tick(): Promise<void> {
    try {
      this.evaluate();
      this.escalate();
    } catch (error) {
      this.log.error({ err: error }, 'alert evaluation failed');
    }
    await this.deliver();
  }

  /** Ticks every `evaluateEverySeconds` without waiting for slow deliveries of earlier ticks. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.config.evaluateEverySeconds * 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const channel of this.channels.values()) channel.close?.();
  }
}
