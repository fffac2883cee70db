import { z } from 'zod';
import { outboxRecordSchema, type OutboxRecord, type OutboxRecordKind } from '../../protocols/messages/up.js';
import type { ControllerDb } from '../storage/db.js';
import { createTelemetryTables } from './tables.js';

/** Filter of `listRecords` (the REST API passes query parameters straight through). */
export const recordQuerySchema = z.object({
  deviceId: z.string().optional(),
  kind: z.enum(outboxRecordSchema.options.map((option) => option.shape.kind.value) as [OutboxRecordKind, ...OutboxRecordKind[]]).optional(),
  /** Only records with `ts` at or after this RFC 3339 time. */
  since: z.string().datetime({ offset: true }).optional(),
  limit: z.number().int().positive().max(10_000).default(1_000),
});
export type RecordQuery = z.input<typeof recordQuerySchema>;

/** A stored record with the device it came from. */
export const storedRecordSchema = z.object({ deviceId: z.string(), record: outboxRecordSchema });
export type StoredRecord = z.infer<typeof storedRecordSchema>;

/**
 * Fleet-wide forecast accuracy of one model version over a day range, from the summed counters
 * (protocols `accuracyRecordSchema`): MAE = Σ|e|/n, WAPE = Σ|e|/Σ|y|, bias = Σe/n, RMSE = √(Σe²/n).
 */
export const accuracySummarySchema = z.object({
  n: z.number().int().nonnegative(),
  devices: z.number().int().nonnegative(),
  mae: z.number().nullable(),
  wape: z.number().nullable(),
  bias: z.number().nullable(),
  rmse: z.number().nullable(),
});
export type AccuracySummary = z.infer<typeof accuracySummarySchema>;

/** Dropped-record totals per device (outbox drop-oldest under its disk budget). */
export const droppedTotalSchema = z.object({ deviceId: z.string(), dropped: z.number().int().nonnegative() });
export type DroppedTotal = z.infer<typeof droppedTotalSchema>;

/** Read side of telemetry for the REST API, dashboards and rollout gates. */
export class TelemetryQueries {
  constructor(private readonly db: ControllerDb) {
    createTelemetryTables(db);
  }

  /** Records newest first, filtered by device, kind and time. */
  listRecords(query: RecordQuery = {}): StoredRecord[] {
    const filter = recordQuerySchema.parse(query);
    const clauses: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    if (filter.deviceId) {
      clauses.push('device_id = @deviceId');
      params.deviceId = filter.deviceId;
    }
    if (filter.kind) {
      clauses.push('kind = @kind');
      params.kind = filter.kind;
    }
    if (filter.since) {
      clauses.push('ts >= @since');
      params.since = filter.since;
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT device_id, body FROM telemetry_records ${where} ORDER BY ts DESC, seq DESC LIMIT @limit`).all(params) as Array<{ device_id: string; body: string }>;
    return rows.map((row) => ({ deviceId: row.device_id, record: JSON.parse(row.body) as OutboxRecord }));
  }

  /** Latest heartbeat of a device, or null before its first one. */
  latestHeartbeat(deviceId: string): Extract<OutboxRecord, { kind: 'heartbeat' }> | null {
    const [latest] = this.listRecords({ deviceId, kind: 'heartbeat', limit: 1 });
    return latest && latest.record.kind === 'heartbeat' ? latest.record : null;
  }

  /** Accuracy of `model@version` across the fleet (or `deviceIds`), days `fromDay..toDay` inclusive. */
  accuracySummary(input: { model?: string; version?: number; role?: 'active' | 'shadow'; fromDay?: string; toDay?: string; deviceIds?: string[] }): AccuracySummary {
    const params: Record<string, string | number> = { role: input.role ?? 'active' };
    const clauses = ["kind = 'accuracy'", "json_extract(body, '$.role') = @role"];
    // No model: the whole fleet, whatever each store serves (issue #11).
    if (input.model !== undefined) {
      clauses.push('model_name = @model');
      params.model = input.model;
    }
    if (input.version !== undefined) {
      clauses.push('model_version = @version');
      params.version = input.version;
    }
    if (input.fromDay) {
      clauses.push("json_extract(body, '$.day') >= @fromDay");
      params.fromDay = input.fromDay;
    }
    if (input.toDay) {
      clauses.push("json_extract(body, '$.day') <= @toDay");
      params.toDay = input.toDay;
    }
    if (input.deviceIds) {
      clauses.push(`device_id IN (SELECT value FROM json_each(@deviceIds))`);
      params.deviceIds = JSON.stringify(input.deviceIds);
    }
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(json_extract(body, '$.n')), 0) AS n, COUNT(DISTINCT device_id) AS devices,
                SUM(json_extract(body, '$.sumAbsError')) AS abs_error, SUM(json_extract(body, '$.sumAbsActual')) AS abs_actual,
                SUM(json_extract(body, '$.sumError')) AS error, SUM(json_extract(body, '$.sumSquaredError')) AS squared_error
         FROM telemetry_records WHERE ${clauses.join(' AND ')}`,
      )
      .get(params) as { n: number; devices: number; abs_error: number | null; abs_actual: number | null; error: number | null; squared_error: number | null };
    const n = row.n;
    return {
      n,
      devices: row.devices,
      mae: n > 0 ? (row.abs_error ?? 0) / n : null,
      wape: row.abs_actual ? (row.abs_error ?? 0) / row.abs_actual : null,
      bias: n > 0 ? (row.error ?? 0) / n : null,
      rmse: n > 0 ? Math.sqrt((row.squared_error ?? 0) / n) : null,
    };
  }

  /** Drift reports of a model version, newest first (for drift alerts). */
  driftReports(input: { model: string; version: number; deviceId?: string; limit?: number }): StoredRecord[] {
    const params: Record<string, string | number> = { model: input.model, version: input.version, limit: input.limit ?? 100 };
    const deviceClause = input.deviceId ? 'AND device_id = @deviceId' : '';
    if (input.deviceId) params.deviceId = input.deviceId;
    const rows = this.db
      .prepare(`SELECT device_id, body FROM telemetry_records WHERE kind = 'drift' AND model_name = @model AND model_version = @version ${deviceClause} ORDER BY ts DESC LIMIT @limit`)
      .all(params) as Array<{ device_id: string; body: string }>;
    return rows.map((row) => ({ deviceId: row.device_id, record: JSON.parse(row.body) as OutboxRecord }));
  }

  /** Records each device reported as dropped by its outbox. */
  droppedTotals(): DroppedTotal[] {
    return this.db
      .prepare(`SELECT device_id AS deviceId, SUM(json_extract(body, '$.count')) AS dropped FROM telemetry_records WHERE kind = 'dropped' GROUP BY device_id ORDER BY device_id`)
      .all() as DroppedTotal[];
  }

  /** Requests and errors by code from scoring records of a device (or the fleet) since a time. */
  scoringTotals(input: { deviceId?: string; since?: string } = {}): { requests: number; rows: number; errorsByCode: Record<string, number> } {
    const totals = { requests: 0, rows: 0, errorsByCode: {} as Record<string, number> };
    for (const { record } of this.listRecords({ deviceId: input.deviceId, kind: 'scoring', since: input.since, limit: 10_000 })) {
      if (record.kind !== 'scoring') continue;
      totals.requests += record.requests;
      totals.rows += record.rows;
      for (const [code, count] of Object.entries(record.errorsByCode)) totals.errorsByCode[code] = (totals.errorsByCode[code] ?? 0) + count;
    }
    return totals;
  }
}
