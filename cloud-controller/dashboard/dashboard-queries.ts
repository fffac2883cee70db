import { z } from 'zod';
import type { ControllerDb } from '../storage/db.js';

/** Grouping of the accuracy charts: every device together, per region, or per store. */
export const accuracyLevelSchema = z.enum(['fleet', 'region', 'store']);
export type AccuracyLevel = z.infer<typeof accuracyLevelSchema>;

/** One line of an accuracy chart: a group's WAPE and MAE by sales day. */
export const accuracySeriesSchema = z.object({
  key: z.string(),
  points: z.array(z.object({ day: z.string(), n: z.number().int().nonnegative(), wape: z.number().nullable(), mae: z.number().nullable() })),
});
export type AccuracySeries = z.infer<typeof accuracySeriesSchema>;

/** Store × feature PSI of each device's latest drift window (the dashboard's heatmap). */
export const driftHeatmapSchema = z.object({
  stores: z.array(z.string()),
  features: z.array(z.string()),
  /** `[storeIndex, featureIndex, psi]` */
  cells: z.array(z.tuple([z.number().int(), z.number().int(), z.number()])),
  windowEnd: z.string().nullable(),
});
export type DriftHeatmap = z.infer<typeof driftHeatmapSchema>;

/**
 * Read models of the dashboard over stored telemetry (issue #14), computed in SQL from the same
 * summed accuracy counters as `GET /v1/telemetry/accuracy` (MAE = Σ|e|/n, WAPE = Σ|e|/Σ|y|).
 * Drift comes from stored per-device drift records; merged fleet statistics can replace it
 * behind the same response shape.
 */
export class DashboardQueries {
  constructor(private readonly db: ControllerDb, private readonly now: () => Date = () => new Date()) {}

  /** RFC 3339 time `days` before now: every query reads a recent range of the (kind, ts) index, never the whole history. */
  private since(days: number): string {
    return new Date(this.now().getTime() - days * 86_400_000).toISOString();
  }

  /** Active-model accuracy per sales day from counters reported in the last `days` days, grouped by `level`. */
  accuracy(level: AccuracyLevel, days: number): AccuracySeries[] {
    const group = level === 'fleet' ? "'fleet'" : `d.${level}`;
    const rows = this.db.prepare(`
      SELECT ${group} AS key, json_extract(t.body, '$.day') AS day,
             SUM(json_extract(t.body, '$.n')) AS n,
             SUM(json_extract(t.body, '$.sumAbsError')) AS abs_error,
             SUM(json_extract(t.body, '$.sumAbsActual')) AS abs_actual
      FROM telemetry_records t JOIN devices d ON d.id = t.device_id
      WHERE t.kind = 'accuracy' AND t.ts >= ? AND json_extract(t.body, '$.role') = 'active'
      GROUP BY key, day ORDER BY key, day`).all(this.since(days)) as Array<{ key: string; day: string; n: number; abs_error: number | null; abs_actual: number | null }>;
    const series = new Map<string, AccuracySeries>();
    for (const row of rows) {
      const line = series.get(row.key) ?? { key: row.key, points: [] };
      line.points.push({ day: row.day, n: row.n, wape: row.abs_actual ? (row.abs_error ?? 0) / row.abs_actual : null, mae: row.n > 0 ? (row.abs_error ?? 0) / row.n : null });
      series.set(row.key, line);
    }
    return [...series.values()];
  }

  /**
   * PSI per store and feature from each device's newest drift record of the last `days` days
   * (a store's devices: the highest PSI).
   */
  driftHeatmap(days = 7): DriftHeatmap {
    const rows = this.db.prepare(`
      WITH recent AS (SELECT device_id, body, ts FROM telemetry_records WHERE kind = 'drift' AND ts >= ?),
           newest AS (SELECT device_id, MAX(ts) AS ts FROM recent GROUP BY device_id)
      SELECT d.store AS store, r.body AS body FROM recent r JOIN newest n ON n.device_id = r.device_id AND n.ts = r.ts
      JOIN devices d ON d.id = r.device_id ORDER BY d.store, r.device_id`).all(this.since(days)) as Array<{ store: string; body: string }>;
    const psi = new Map<string, Map<string, number>>();
    let windowEnd: string | null = null;
    for (const row of rows) {
      const record = JSON.parse(row.body) as { windowEnd: string; features: Array<{ name: string; psi: number }>; prediction: { psi: number } };
      if (windowEnd === null || record.windowEnd > windowEnd) windowEnd = record.windowEnd;
      const byFeature = psi.get(row.store) ?? new Map<string, number>();
      for (const { name, psi: value } of [...record.features, { name: 'prediction', psi: record.prediction.psi }]) byFeature.set(name, Math.max(value, byFeature.get(name) ?? 0));
      psi.set(row.store, byFeature);
    }
    const stores = [...psi.keys()];
    const features = [...new Set(stores.flatMap((store) => [...psi.get(store)!.keys()]))];
    const cells: DriftHeatmap['cells'] = [];
    stores.forEach((store, s) => features.forEach((feature, f) => {
      const value = psi.get(store)!.get(feature);
      if (value !== undefined) cells.push([s, f, value]);
    }));
    return { stores, features, cells, windowEnd };
  }
}
