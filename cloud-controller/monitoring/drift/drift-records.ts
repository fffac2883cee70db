import type { z } from 'zod';
import { DRIFT_LAYOUT_VERSION } from '../../../protocols/drift/layout.js';
import { driftRecordSchema } from '../../../protocols/messages/up.js';
import type { ControllerDb } from '../../storage/db.js';

export type DriftRecord = z.infer<typeof driftRecordSchema>;

/** Most stored windows one query reads (a week of hourly windows from ~600 devices). */
export const MAX_WINDOWS_READ = 100_000;

export interface DriftRecordQuery {
  model: string;
  version: number;
  deviceIds: ReadonlySet<string>;
  from?: string;
  to?: string;
}

/**
 * The stored device windows (the telemetry table keeps every ingested drift record, i.e. the
 * per-device time series of counts). A row that no longer parses, or comes from an agent
 * before issue #12 (another count layout), is skipped and counted, never fatal.
 */
export class DriftRecords {
  constructor(private readonly db: ControllerDb) {}

  /** Newest version of `model` with drift windows, or null. */
  latestVersion(model: string): number | null {
    const row = this.db.prepare("SELECT MAX(model_version) AS version FROM telemetry_records WHERE kind = 'drift' AND model_name = ?").get(model) as { version: number | null };
    return row.version;
  }

  read(query: DriftRecordQuery): { records: DriftRecord[]; skipped: number } {
    const rows = this.db
      .prepare(
        `SELECT device_id AS deviceId, body FROM telemetry_records
         WHERE kind = 'drift' AND model_name = @model AND model_version = @version AND ts >= @from AND ts <= @to
         ORDER BY ts DESC LIMIT @limit`,
      )
      .all({ model: query.model, version: query.version, from: query.from ?? '', to: query.to ?? '9999', limit: MAX_WINDOWS_READ }) as Array<{ deviceId: string; body: string }>;
    const records: DriftRecord[] = [];
    let skipped = 0;
    for (const row of rows) {
      if (!query.deviceIds.has(row.deviceId)) continue;
      const parsed = parseBody(row.body);
      if (parsed && parsed.layout === DRIFT_LAYOUT_VERSION) records.push(parsed);
      else skipped += 1;
    }
    return { records, skipped };
  }
}

function parseBody(body: string): DriftRecord | null {
  try {
    const parsed = driftRecordSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
