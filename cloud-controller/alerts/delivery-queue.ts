import type { ControllerDb } from '../storage/db.js';
import type { AlertEvent } from './schema.js';
import { createAlertTables } from './tables.js';

/** One recorded notification to one channel. */
export interface DeliveryRecord {
  id: number;
  alertId: string;
  channel: string;
  event: AlertEvent;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Retry policy of deliveries (from `alerts.delivery`). */
export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

const COLUMNS = `id, alert_id AS alertId, channel, event, status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, created_at AS createdAt, delivered_at AS deliveredAt`;

/**
 * The `alert_deliveries` table (issue #12): every notification to every channel is a row,
 * recorded before it is attempted, with its attempts, last error and outcome. Failed attempts
 * wait initialBackoff·2^(attempts−1), capped, before the next one.
 */
export class DeliveryQueue {
  constructor(private readonly db: ControllerDb, private readonly policy: RetryPolicy) {
    createAlertTables(db);
  }

  /** Records `event` of `alertId` for each channel; a notification already recorded is not added twice. */
  enqueue(alertId: string, channels: readonly string[], event: AlertEvent, now: Date): void {
    const insert = this.db.prepare("INSERT OR IGNORE INTO alert_deliveries (alert_id, channel, event, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)");
    const at = now.toISOString();
    this.db.transaction(() => {
      for (const channel of new Set(channels)) insert.run(alertId, channel, event, at, at);
    })();
  }

  /** Pending deliveries whose next attempt is due. */
  due(now: Date): DeliveryRecord[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id`).all(now.toISOString()) as DeliveryRecord[];
  }

  delivered(id: number, now: Date): void {
    this.db.prepare("UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?").run(now.toISOString(), id);
  }

  /** Records a failed attempt: pending with backoff, or failed after the last attempt. */
  failed(delivery: DeliveryRecord, error: string, now: Date): void {
    const attempts = delivery.attempts + 1;
    const backoff = Math.min(this.policy.maxBackoffMs, this.policy.initialBackoffMs * 2 ** (attempts - 1));
    const status = attempts >= this.policy.maxAttempts ? 'failed' : 'pending';
    this.db
      .prepare('UPDATE alert_deliveries SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(status, attempts, error.slice(0, 1_000), new Date(now.getTime() + backoff).toISOString(), delivery.id);
  }

  /** Deliveries of one alert (all of them when no id), oldest first. */
  list(alertId?: string): DeliveryRecord[] {
    return alertId === undefined
      ? (this.db.prepare(`SELECT ${COLUMNS} FROM alert_deliveries ORDER BY id`).all() as DeliveryRecord[])
      : (this.db.prepare(`SELECT ${COLUMNS} FROM alert_deliveries WHERE alert_id = ? ORDER BY id`).all(alertId) as DeliveryRecord[]);
  }
}
