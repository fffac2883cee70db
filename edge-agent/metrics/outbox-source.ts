import type { AgentDb } from '../storage/db.js';
import type { Outbox } from '../storage/outbox.js';

/** Outbox depth for the metrics gauges: records, budget bytes and dropped records not yet acknowledged. */
export function outboxGaugeSource(db: AgentDb, outbox: Outbox): () => { records: number; bytes: number; droppedPending: number } {
  const count = db.prepare('SELECT COUNT(*) AS records FROM outbox');
  // A `dropped` record folds earlier ones into its count (edge-agent/storage/outbox.ts), so the
  // sum over those still queued is the loss not yet reported upstream.
  const dropped = db.prepare("SELECT COALESCE(SUM(json_extract(body, '$.count')), 0) AS dropped FROM outbox WHERE kind = 'dropped'");
  return () => ({
    records: (count.get() as { records: number }).records,
    bytes: outbox.pendingBytes(),
    droppedPending: (dropped.get() as { dropped: number }).dropped,
  });
}
