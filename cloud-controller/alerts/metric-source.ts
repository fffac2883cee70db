import type { MonitoringLevel } from '../monitoring/accuracy/counter-rows.js';
import type { AlertMetric } from './schema.js';

/** One window's value of a metric for one subject. `value` null: not defined in this window. */
export interface MetricWindow {
  windowStart: string;
  windowEnd: string;
  value: number | null;
  /** Samples behind the value (rules ignore windows below their `minSamples`). */
  n: number;
}

/** What a rule asks a source for. */
export interface MetricQuery {
  level: MonitoringLevel;
  model?: string;
  /** First day included (YYYY-MM-DD). */
  since: string;
}

/**
 * Where rule metrics come from (issue #12): metric name → windows per subject, oldest first.
 * Accuracy reads the merged counters; data drift reads stored drift records until the merged
 * drift statistics replace them — only this interface sits between the rules and either.
 */
export interface MetricSource {
  series(metric: AlertMetric, query: MetricQuery): Map<string, MetricWindow[]>;
}
