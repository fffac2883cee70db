import type { AccuracyCounters } from '../../../protocols/metrics/counters.js';
import type { ControllerDb } from '../../storage/db.js';
import { createTelemetryTables } from '../../telemetry/tables.js';
import { createFleetTables } from '../../fleet/tables.js';

/** Monitoring levels (issue #12): a store (fleet device `store`), a region (device `region`), the fleet. */
export type MonitoringLevel = 'store' | 'region' | 'fleet';

/** The subject name of the fleet level. */
export const FLEET_SUBJECT = 'fleet';

/** One stored `accuracy` record with where it came from. */
export interface CounterRow extends AccuracyCounters {
  store: string;
  region: string;
  day: string;
  model: string;
  version: number;
}

/** Filter of `counterRows`. */
export interface CounterFilter {
  model?: string;
  /** First day (YYYY-MM-DD, or an RFC 3339 time whose date part is used). */
  since?: string;
}

/**
 * The active model's accuracy counters as stored from the agents' `accuracy` records, each
 * with the store and region of the device that sent it. Records of devices no longer enrolled
 * have no place in the hierarchy and are left out.
 */
export function counterRows(db: ControllerDb, filter: CounterFilter = {}): CounterRow[] {
  createTelemetryTables(db);
  createFleetTables(db);
  const clauses = ["t.kind = 'accuracy'", "json_extract(t.body, '$.role') = 'active'"];
  const params: Record<string, string> = {};
  if (filter.model !== undefined) {
    clauses.push('t.model_name = @model');
    params.model = filter.model;
  }
  if (filter.since !== undefined) {
    clauses.push("json_extract(t.body, '$.day') >= @since");
    params.since = filter.since.slice(0, 10);
  }
  return db
    .prepare(
      `SELECT d.store AS store, d.region AS region, json_extract(t.body, '$.day') AS day, t.model_name AS model, t.model_version AS version,
              json_extract(t.body, '$.n') AS n, json_extract(t.body, '$.sumAbsError') AS sumAbsError, json_extract(t.body, '$.sumAbsActual') AS sumAbsActual,
              json_extract(t.body, '$.sumError') AS sumError, json_extract(t.body, '$.sumSquaredError') AS sumSquaredError
       FROM telemetry_records t JOIN devices d ON d.id = t.device_id
       WHERE ${clauses.join(' AND ')} ORDER BY day`,
    )
    .all(params) as CounterRow[];
}

/** The subject a row belongs to at `level`. */
export function subjectOf(row: Pick<CounterRow, 'store' | 'region'>, level: MonitoringLevel): string {
  return level === 'store' ? row.store : level === 'region' ? row.region : FLEET_SUBJECT;
}
