import type { Logger } from '../../protocols/runtime/logger.js';
import type { UplinkPort } from '../ports.js';
import type { UpdateStateStore } from './state-store.js';

/** Delay before a failed publish is tried again (the daemon also flushes on reconnect). */
const RETRY_AFTER_MS = 5_000;

/**
 * Publishes queued deployment events on `evt` in order, deleting each only after the uplink
 * accepted it (at-least-once; the controller dedupes by envelope `id`). While the agent is
 * offline the publish waits (mqtt.js offline queue) and the events stay in SQLite, so a crash
 * loses none. One flush runs at a time; a flush requested meanwhile runs right after.
 */
export class EventReporter {
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: UpdateStateStore,
    private readonly uplink: UplinkPort | null,
    private readonly logger: Logger,
  ) {}

  /** Starts a flush (or schedules another after the running one); resolves when the queue was drained. */
  flush(): Promise<void> {
    if (!this.uplink) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.running;
  }

  /** One retry timer at a time; unref'd so it never keeps a finished CLI process alive. */
  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, RETRY_AFTER_MS);
    this.retryTimer.unref();
  }

  private async drain(): Promise<void> {
    const uplink = this.uplink;
    if (!uplink) return;
    for (;;) {
      const batch = this.store.queuedEvents();
      if (batch.length === 0) return;
      for (const queued of batch) {
        try {
          await uplink.publish('evt', queued.event);
        } catch (error) {
          this.logger.warn({ err: error, seq: queued.seq }, 'deployment event not published; kept in the queue');
          this.retryLater();
          return;
        }
        this.store.dequeueEvent(queued.seq);
      }
    }
  }
}
