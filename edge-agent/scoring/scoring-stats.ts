import type { ModelRef } from '../../protocols/envelope.js';
import type { HistoryCompleteness } from '../../protocols/features/history-completeness.js';
import type { OutboxEntry } from '../storage/outbox.js';

/** Latencies kept for the heartbeat's p50/p99 (a ring, so memory stays flat under load). */
const LATENCY_SAMPLES = 4_096;
/** The scoring record lists at most this many stores (protocol limit). */
const MAX_STORES = 100;

/**
 * Serving counters of the current window (issue #5 "scoring" records and heartbeat counters):
 * requests, rows, errors by code, prediction mean, stores seen (already pseudonymised by the
 * caller when personal) and request latencies.
 */
export class ScoringStats {
  private windowStart = new Date();
  private requests = 0;
  private rows = 0;
  private predictionSum = 0;
  private errorsByCode: Record<string, number> = {};
  private stores = new Set<string>();
  private history: Record<HistoryCompleteness, number> = { full: 0, partial: 0, none: 0 };
  private model: ModelRef | null = null;
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;
  private heartbeatRequests = 0;
  private heartbeatErrors = 0;

  /** Counts one answered request. */
  recordSuccess(model: ModelRef, stores: Iterable<string>, predictions: readonly number[] | Float32Array, latencyMs: number, history: HistoryCompleteness = 'full'): void {
    this.requests += 1;
    this.history[history] += 1;
    this.heartbeatRequests += 1;
    this.rows += predictions.length;
    for (const value of predictions) this.predictionSum += value;
    for (const store of stores) if (this.stores.size < MAX_STORES) this.stores.add(store);
    this.model = model;
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = latencyMs;
    this.latencyCount += 1;
  }

  /** Counts one request answered with a coded error. */
  recordError(code: string): void {
    this.requests += 1;
    this.heartbeatRequests += 1;
    this.heartbeatErrors += 1;
    this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
  }

  /** Closes the window: the `scoring` record for it, or null when nothing happened. */
  closeWindow(now: Date = new Date()): OutboxEntry | null {
    const record: OutboxEntry | null =
      this.requests === 0
        ? null
        : {
            kind: 'scoring',
            ts: now.toISOString(),
            model: this.model,
            windowStart: this.windowStart.toISOString(),
            windowEnd: now.toISOString(),
            requests: this.requests,
            rows: this.rows,
            errorsByCode: this.errorsByCode,
            predictionMean: this.rows > 0 ? this.predictionSum / this.rows : null,
            stores: [...this.stores],
            history: this.history,
          };
    this.windowStart = now;
    this.requests = 0;
    this.rows = 0;
    this.predictionSum = 0;
    this.errorsByCode = {};
    this.stores = new Set();
    this.history = { full: 0, partial: 0, none: 0 };
    return record;
  }

  /** Heartbeat counters since the previous heartbeat, with latency percentiles of recent requests. */
  takeHeartbeatCounters(): { requests: number; errors: number; latencyP50Ms: number | null; latencyP99Ms: number | null } {
    const n = Math.min(this.latencyCount, LATENCY_SAMPLES);
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const pick = (q: number): number | null => (n === 0 ? null : sorted[Math.min(n - 1, Math.floor(q * n))]);
    const counters = { requests: this.heartbeatRequests, errors: this.heartbeatErrors, latencyP50Ms: pick(0.5), latencyP99Ms: pick(0.99) };
    this.heartbeatRequests = 0;
    this.heartbeatErrors = 0;
    return counters;
  }
}
