import type { Logger } from '../../protocols/runtime/logger.js';
import type { UplinkPort } from '../ports.js';
import type { UpdateStateStore } from './state-store.js';

/**
 * Publishes queued deployment events on `evt` in order, deleting each only after the uplink
 * accepted it (at-least-once; the controller dedupes by envelope `id`). While the agent is
 * offline the publish waits (mqtt.js offline queue) and the events stay in SQLite, so a crash
 * loses none. One flush runs at a time; a flush requested meanwhile runs right after.
 */
export class EventReporter {
  private running: Promise<void> | null = null;
  private again = false;

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
          return;
        }
        this.store.dequeueEvent(queued.seq);
      }
    }
  }
}
