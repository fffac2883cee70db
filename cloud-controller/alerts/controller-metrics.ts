import type { ControllerDb } from '../storage/db.js';
import type { Fleet } from '../fleet/fleet.js';
import { createTelemetryTables } from '../telemetry/tables.js';
import { accuracySeriesBySubject } from '../monitoring/accuracy/series.js';
import { alarmParametersResolver, type AccuracyMonitoringConfig } from '../monitoring/accuracy/thresholds.js';
import { subjectOf, type MonitoringLevel } from '../monitoring/accuracy/counter-rows.js';
import type { AlertMetric } from './schema.js';
import type { MetricQuery, MetricSource, MetricWindow } from './metric-source.js';

/** The AccuracyPoint field behind each plain accuracy metric. */
const ACCURACY_FIELD = { 'accuracy.wape': 'wape', 'accuracy.bias': 'bias', 'accuracy.rmse': 'rmse', 'accuracy.mase': 'mase' } as const;

/** Accuracy metrics of a subject's windows, from `accuracySeriesBySubject`. */
function accuracyWindows(db: ControllerDb, fleet: Fleet, config: AccuracyMonitoringConfig, metric: Exclude<AlertMetric, 'drift.psi'>, query: MetricQuery): Map<string, MetricWindow[]> {
  const resolve = alarmParametersResolver(config, fleet.listDevices(), query.model, query.level);
  const series = accuracySeriesBySubject(db, { level: query.level, model: query.model, since: query.since }, resolve);
  const out = new Map<string, MetricWindow[]>();
  for (const [subject, points] of series) {
    const threshold = resolve(subject).threshold;
    out.set(subject, points.map((point) => ({
      windowStart: point.windowStart,
      windowEnd: point.windowEnd,
      n: point.n,
      value: metric === 'accuracy.cusum' ? point.statistic / threshold : point[ACCURACY_FIELD[metric]],
    })));
  }
  return out;
}

/**
 * Data drift per window from the `drift` records the agents send: the largest feature PSI of
 * each device's window; above store level the largest over the level's devices (PSI does not
 * add — the merged drift statistics of issue #12 replace this at merge).
 */
function driftWindows(db: ControllerDb, query: MetricQuery): Map<string, MetricWindow[]> {
  createTelemetryTables(db);
  const params: Record<string, string> = { since: query.since };
  const modelClause = query.model === undefined ? '' : 'AND t.model_name = @model';
  if (query.model !== undefined) params.model = query.model;
  const rows = db
    .prepare(
      `SELECT d.store AS store, d.region AS region, json_extract(t.body, '$.windowStart') AS windowStart, json_extract(t.body, '$.windowEnd') AS windowEnd,
              json_extract(t.body, '$.n') AS n, (SELECT MAX(json_extract(f.value, '$.psi')) FROM json_each(t.body, '$.features') f) AS psi
       FROM telemetry_records t JOIN devices d ON d.id = t.device_id
       WHERE t.kind = 'drift' AND json_extract(t.body, '$.windowStart') >= @since ${modelClause} ORDER BY windowStart`,
    )
    .all(params) as Array<{ store: string; region: string; windowStart: string; windowEnd: string; n: number; psi: number | null }>;
  const bySubject = new Map<string, Map<string, MetricWindow>>();
  for (const row of rows) {
    const subject = subjectOf(row, query.level as MonitoringLevel);
    const windows = bySubject.get(subject) ?? new Map<string, MetricWindow>();
    bySubject.set(subject, windows);
    const window = windows.get(row.windowStart) ?? { windowStart: row.windowStart, windowEnd: row.windowEnd, value: null, n: 0 };
    windows.set(row.windowStart, window);
    window.n += row.n;
    if (row.psi !== null) window.value = Math.max(window.value ?? 0, row.psi);
  }
  return new Map([...bySubject].map(([subject, windows]) => [subject, [...windows.values()]]));
}

/** The controller's metric source: accuracy from the merged counters, drift from stored drift records. */
export function controllerMetricSource(db: ControllerDb, fleet: Fleet, accuracy: AccuracyMonitoringConfig): MetricSource {
  return {
    series: (metric, query) => (metric === 'drift.psi' ? driftWindows(db, query) : accuracyWindows(db, fleet, accuracy, metric, query)),
  };
}
