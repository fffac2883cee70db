import { join } from 'node:path';
import { generateSalesData } from '../../../../model-packager/data/generator/generate-sales.js';
import { loadSalesData } from '../../../../model-packager/data/load-sales-data.js';
import { buildTrainingDataset } from '../../../../model-packager/train/dataset.js';
import { buildReferenceProfile } from '../../../../model-packager/package/reference-profile.js';
import { deriveFeatureSpec } from '../../../../protocols/features/derive-spec.js';
import { toEpochDay } from '../../../../protocols/features/index.js';
import { driftLayout } from '../../../../protocols/drift/layout.js';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../../../protocols/drift/thresholds.js';
import { driftRecordSchema } from '../../../../protocols/messages/up.js';
import { DriftWindow } from '../../../../edge-agent/drift/drift-window.js';
import { mergeByBucket } from '../../../../cloud-controller/monitoring/drift/merge.js';
import type { DriftWindowView } from '../../../../cloud-controller/monitoring/drift/schema.js';
import { windowView } from '../../../../cloud-controller/monitoring/drift/series-view.js';

/** Days of the scenario: a training year, then clean days, then drifted days. */
export const TRAIN_DAYS = 120;
export const CLEAN_DAYS = 42;
export const DRIFT_DAYS = 28;

/** Days at the start whose lags are still missing (the longest lag is 28); left out of the reference. */
const WARM_UP_DAYS = 35;

/** Rows of the training sample the reference profile is built from (the packager's default size). */
const REFERENCE_SAMPLE = 5000;

export interface ScenarioWindows {
  names: string[];
  /** Fleet windows merged over `bucketDays` served days (all stores), clean days first. */
  fleet(bucketDays: number): DriftWindowView[];
}

/**
 * `fleetcast data generate` with drift injected from day TRAIN_DAYS + CLEAN_DAYS; features of
 * every row built by the shared executor (the agent's code); the reference profile built by
 * the packager from the training year; each store's served day counted by the agent's
 * DriftWindow and closed into a drift record; the records merged per day by the controller's
 * code and assessed. Each day's forecast requests of a store are one window.
 */
export async function driftScenario(dir: string, seed: number, drifts: Array<{ kind: 'price-shift' | 'demand-level' | 'broken-sensor'; magnitude: number }>): Promise<ScenarioWindows> {
  const start = '2024-01-01';
  const driftFrom = new Date(Date.parse(`${start}T00:00:00Z`) + (TRAIN_DAYS + CLEAN_DAYS) * 86_400_000).toISOString().slice(0, 10);
  const out = join(dir, `sales-${seed}.csv`);
  await generateSalesData({ stores: 5, items: 40, days: TRAIN_DAYS + CLEAN_DAYS + DRIFT_DAYS, seed, start, out, driftFrom, drifts });
  const { rows } = await loadSalesData(out);
  const firstServed = toEpochDay(start) + TRAIN_DAYS;
  const training = rows.filter((row) => toEpochDay(row.date) < firstServed);
  const spec = deriveFeatureSpec(training);
  const dataset = buildTrainingDataset(rows, spec, 'units');
  const width = dataset.names.length;
  const trainIndices = Uint32Array.from(Array.from(dataset.day).flatMap((day, r) => (day < firstServed && day >= toEpochDay(start) + WARM_UP_DAYS ? [r] : [])));
  const sample = Uint32Array.from({ length: REFERENCE_SAMPLE }, (_, k) => trainIndices[Math.floor((k * trainIndices.length) / REFERENCE_SAMPLE)]);
  const sampleRows = new Float32Array(REFERENCE_SAMPLE * width);
  sample.forEach((r, k) => sampleRows.set(dataset.X.subarray(r * width, (r + 1) * width), k * width));
  const profile = buildReferenceProfile({
    featureNames: dataset.names,
    rows: sampleRows,
    predictions: Array.from(sample, (r) => dataset.y[r]),
    categorical: { store: spec.encodings.store.vocabulary, item: spec.encodings.item.vocabulary },
    importances: null,
    holdout: null,
  });
  const layouts = driftLayout(profile, dataset.names);
  const model = { name: 'demand', version: 1 };
  const stores = spec.encodings.store.vocabulary;
  const windows = new Map(stores.map((store) => [store, new DriftWindow(model, profile, dataset.names)]));
  const byStoreDay = new Map<string, number[]>();
  dataset.rows.forEach((row, r) => {
    if (dataset.day[r] < firstServed) return;
    const key = `${row.store}/${dataset.day[r]}`;
    byStoreDay.set(key, [...(byStoreDay.get(key) ?? []), r]);
  });
  const records = [];
  for (let day = firstServed; day < firstServed + CLEAN_DAYS + DRIFT_DAYS; day += 1) {
    for (const store of stores) {
      const indices = byStoreDay.get(`${store}/${day}`) ?? [];
      const matrix = new Float32Array(indices.length * width);
      indices.forEach((r, k) => matrix.set(dataset.X.subarray(r * width, (r + 1) * width), k * width));
      const window = windows.get(store)!;
      window.observeFeatures(matrix, indices.length);
      window.observePredictions(Float32Array.from(indices, (r) => dataset.y[r]));
      const record = window.close(new Date((day + 1) * 86_400_000));
      if (record) records.push(driftRecordSchema.parse({ ...record, seq: records.length + 1 }));
    }
  }
  // Buckets start at the first served day, so clean and drifted days never share a bucket when CLEAN_DAYS is a multiple.
  const shifted = records.map((record) => ({ ...record, windowEnd: new Date(Date.parse(record.windowEnd) - firstServed * 86_400_000).toISOString() }));
  return {
    names: dataset.names,
    fleet: (bucketDays) => mergeByBucket(shifted, layouts, profile.prediction.histogram.counts.length, bucketDays * 86_400_000).map((window) => windowView(window, layouts, profile, DEFAULT_DRIFT_THRESHOLDS)),
  };
}
