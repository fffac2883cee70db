import type { ControllerDb } from '../storage/db.js';

/** How far ingest runs behind the devices: record timestamp to arrival, last 5 minutes (issue #14). */
export function ingestLagQuery(db: ControllerDb, now: () => Date = () => new Date()): () => { maxSeconds: number; meanSeconds: number; records: number } {
  // Scrapes read only the last 5 minutes of arrivals, by this index, however long the history is.
  db.exec('CREATE INDEX IF NOT EXISTS telemetry_by_received_at ON telemetry_records (received_at)');
  // julianday differences are in days; records store RFC 3339 times, which julianday reads.
  const statement = db.prepare(`SELECT COUNT(*) AS records,
      COALESCE(MAX((julianday(received_at) - julianday(ts)) * 86400), 0) AS maxSeconds,
      COALESCE(AVG((julianday(received_at) - julianday(ts)) * 86400), 0) AS meanSeconds
    FROM telemetry_records WHERE received_at >= ?`);
  return () => {
    const since = new Date(now().getTime() - 5 * 60_000).toISOString();
    const row = statement.get(since) as { records: number; maxSeconds: number; meanSeconds: number };
    return { records: row.records, maxSeconds: Math.max(0, row.maxSeconds), meanSeconds: Math.max(0, row.meanSeconds) };
  };
}
