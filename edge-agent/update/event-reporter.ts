import { toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { UplinkPort } from '../ports.js';
import { backoffDelayMs, type BackoffPolicy } from '../../protocols/runtime/backoff.js';
import type { UpdateStateStore } from './state-store.js';

/** Tuning of the event sender (tests shorten it). */
export interface EventReporterOptions {
  /**
   * A publish not acknowledged (PUBACK) within this long counts as lost and is sent again:
   * after a broker crash mqtt.js may keep a QoS 1 publish in flight forever (issue #9 finding 6).
   */
  publishTimeoutMs: number;
  /** Delay between attempts after a failure: capped exponential backoff with jitter. */
  retry: BackoffPolicy;
}

const DEFAULT_OPTIONS: EventReporterOptions = { publishTimeoutMs: 15_000, retry: { minMs: 1_000, maxMs: 60_000, jitter: 0.2 } };

/**
 * Publishes queued deployment events on `evt` in order, deleting each only after the broker
 * acknowledged it (at-least-once; the controller dedupes by envelope `id`). Nothing waits on a
 * publish forever: each has a deadline, a failed or lost one is retried with backoff until
 * acknowledged, and `restart()` (every uplink reconnect) abandons the attempt in flight and
 * starts over at once. The events stay in SQLite throughout, so a crash loses none. A streak
 * of failures is logged once (an agent with no uplink keeps its events quietly), issue #9.
 */
export class EventReporter {
  private readonly options: EventReporterOptions;
  /** Bumped by `restart()`: a drain of an older generation stops at its next step. */
  private generation = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly store: UpdateStateStore,
    private readonly uplink: UplinkPort | null,
    private readonly logger: Logger,
    options: Partial<EventReporterOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Starts a flush (or schedules another after the running one); resolves when this drain ends. */
  flush(): Promise<void> {
    if (!this.uplink || this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const generation = this.generation;
    const running = this.drain(generation).catch((error: unknown) => this.logger.error({ err: error }, 'deployment event queue unreadable')).finally(() => {
      if (this.running === running) this.running = null;
      if (this.again && generation === this.generation) {
        this.again = false;
        void this.flush();
      }
    });
    this.running = running;
    return running;
  }

  /**
   * The uplink (re)connected: a publish still waiting belongs to the old connection, so it is
   * abandoned (its event stays queued and goes again, the controller dedupes) and a new drain
   * starts now, without waiting for a backoff timer.
   */
  restart(): Promise<void> {
    this.generation += 1;
    this.running = null;
    this.again = false;
    this.failures = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    return this.flush();
  }

  /** Stops retrying (shutdown); queued events stay in SQLite for the next start. */
  stop(): void {
    this.generation += 1;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** One retry timer at a time; unref'd so it never keeps a finished CLI process alive. */
  private retryLater(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, backoffDelayMs(this.options.retry, this.failures - 1));
    this.retryTimer.unref();
  }

  private async drain(generation: number): Promise<void> {
    const uplink = this.uplink;
    if (!uplink) return;
    for (;;) {
      const batch = this.store.queuedEvents();
      if (batch.length === 0) return;
      for (const queued of batch) {
        if (generation !== this.generation) return;
        try {
          await this.publishWithDeadline(uplink, queued.event);
        } catch (error) {
          if (generation !== this.generation) return;
          this.failures += 1;
          if (this.failures === 1) {
            const coded = toFleetcastError(error);
            this.logger.warn({ code: coded.code, reason: coded.message, seq: queued.seq, queued: batch.length }, 'deployment events not published; kept queued and retried until acknowledged');
          }
          this.retryLater();
          return;
        }
        // Acknowledged: delete it even when a reconnect started a newer drain meanwhile.
        this.store.dequeueEvent(queued.seq);
        if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'deployment events flowing again');
        this.failures = 0;
      }
    }
  }

  private publishWithDeadline(uplink: UplinkPort, event: unknown): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PUBACK within ${this.options.publishTimeoutMs} ms`)), this.options.publishTimeoutMs);
      timer.unref();
    });
    return Promise.race([uplink.publish('evt', event), deadline]).finally(() => clearTimeout(timer));
  }
}
