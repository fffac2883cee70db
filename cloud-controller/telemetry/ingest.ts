import type { UpBatch } from '../../protocols/messages/up.js';
import type { ControllerDb } from '../storage/db.js';
import { createTelemetryTables, LEGACY_INCARNATION } from './tables.js';

/** Outcome of one batch: how many records were new and how many had been stored before. */
export interface IngestResult {
  inserted: number;
  duplicates: number;
}

/**
 * Stores an `up` batch in one transaction with INSERT OR IGNORE on (device, incarnation, seq),
 * so the same batch delivered twice (QoS 1 redelivery, agent retry after a lost ack) is
 * stored once, and a re-flashed device's new incarnation is stored anew (issue #9). The caller acks only
 * after this returns, i.e. after the commit (issue #6: "ack sent after commit").
 */
export class TelemetryIngest {
  private readonly insert;
  private readonly ingestAll;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly db: ControllerDb, private readonly now: () => Date = () => new Date()) {
    createTelemetryTables(db);
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO telemetry_records (device_id, incarnation, seq, kind, ts, model_name, model_version, body, received_at)
       VALUES (@deviceId, @incarnation, @seq, @kind, @ts, @modelName, @modelVersion, @body, @receivedAt)`,
    );
    this.ingestAll = db.transaction((deviceId: string, batch: UpBatch): IngestResult => {
      const receivedAt = this.now().toISOString();
      let inserted = 0;
      for (const record of batch.records) {
        const model = 'model' in record ? record.model : null;
        const info = this.insert.run({
          deviceId,
          incarnation: batch.incarnation ?? LEGACY_INCARNATION,
          seq: record.seq,
          kind: record.kind,
          ts: record.ts,
          modelName: model?.name ?? null,
          modelVersion: model?.version ?? null,
          body: JSON.stringify(record),
          receivedAt,
        });
        inserted += info.changes;
      }
      return { inserted, duplicates: batch.records.length - inserted };
    });
  }

  /** Ingests one decoded batch from `deviceId` (the topic's device, already authenticated by the broker). */
  ingest(deviceId: string, batch: UpBatch): IngestResult {
    const result = this.ingestAll(deviceId, batch);
    if (result.inserted > 0) for (const listener of this.listeners) listener();
    return result;
  }

  /** Called after a batch stored new records (rollout gates read them, issue #13). */
  onIngest(listener: () => void): void {
    this.listeners.push(listener);
  }
}
