import { envelope } from '../../protocols/messages/envelope-factory.js';
import { ackMessageSchema } from '../../protocols/messages/ack.js';
import type { UpBatch } from '../../protocols/messages/up.js';
import type { Sender } from '../../protocols/envelope.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { Outbox } from '../storage/outbox.js';
import type { UplinkPort } from '../ports.js';

interface BatchInFlight {
  id: string;
  fromSeq: number;
  toSeq: number;
  timer: NodeJS.Timeout;
}

/** Settings the `configure` command may change at run time. */
export interface FlusherSettings {
  batchSize: number;
  ackTimeoutMs: number;
}

/**
 * Moves the outbox up to the controller (issue #5 "Outbox"): one `up` batch in flight at a
 * time, records deleted only when the controller's `ack` names their range, the batch sent
 * again after an ack timeout or a reconnect. Ingest is idempotent by (device, incarnation,
 * seq), so a resend can duplicate delivery but never ingestion.
 */
export class OutboxFlusher {
  private readonly outbox: Outbox;
  private readonly uplink: UplinkPort;
  private readonly sender: Sender;
  private readonly logger: Logger;
  private readonly settings: FlusherSettings;
  private readonly isOnline: () => boolean;
  private inFlight: BatchInFlight | null = null;

  constructor(options: { outbox: Outbox; uplink: UplinkPort; sender: Sender; logger: Logger; settings: FlusherSettings; isOnline: () => boolean }) {
    this.outbox = options.outbox;
    this.uplink = options.uplink;
    this.sender = options.sender;
    this.logger = options.logger;
    this.settings = options.settings;
    this.isOnline = options.isOnline;
    this.uplink.subscribe('ack', (message) => this.onAck(message));
  }

  /** Changes the batch size (remote `configure`). */
  setBatchSize(batchSize: number): void {
    this.settings.batchSize = batchSize;
  }

  /** Sends the next batch when online and none is waiting for its ack. */
  flush(): void {
    if (this.inFlight || !this.isOnline()) return;
    const records = this.outbox.oldest(this.settings.batchSize);
    if (records.length === 0) return;
    const batch: UpBatch = { ...envelope(this.sender), type: 'batch', incarnation: this.outbox.incarnation, fromSeq: records[0].seq, toSeq: records[records.length - 1].seq, records };
    const timer = setTimeout(() => this.retry('ack timeout'), this.settings.ackTimeoutMs);
    timer.unref();
    this.inFlight = { id: batch.id, fromSeq: batch.fromSeq, toSeq: batch.toSeq, timer };
    this.uplink.publish('up', batch).catch((error: Error) => this.retry(error.message));
  }

  /** Forgets the batch in flight (connection lost); it is sent again on the next flush. */
  reset(): void {
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
  }

  private retry(reason: string): void {
    this.logger.debug({ reason }, 'resending outbox batch');
    this.reset();
    this.flush();
  }

  private onAck(message: unknown): void {
    const parsed = ackMessageSchema.safeParse(message);
    if (!parsed.success) {
      this.logger.warn('malformed ack ignored');
      return;
    }
    const ack = parsed.data;
    // An ack for another incarnation (sent to this device before it was re-flashed) names
    // sequence numbers that now belong to different records (issue #9).
    if (ack.incarnation !== undefined && ack.incarnation !== this.outbox.incarnation) {
      this.logger.info({ incarnation: ack.incarnation }, 'ack for another incarnation ignored');
      return;
    }
    const removed = this.outbox.acknowledge(ack.fromSeq, ack.toSeq);
    this.logger.debug({ fromSeq: ack.fromSeq, toSeq: ack.toSeq, removed }, 'outbox acked');
    if (this.inFlight && this.inFlight.id === ack.batchId) {
      this.reset();
      this.flush();
    }
  }
}
