import { binaryMetrics, maseScale, regressionMetrics, type BinaryMetrics, type RegressionMetrics } from '../../protocols/metrics/index.js';
import type { SalesHistory } from '../../protocols/features/index.js';
import { movingAverage, seasonalNaive } from './baselines.js';
import type { TrainingDataset } from './dataset.js';

/** Metrics of a model beside both baselines on the same rows. */
export interface RegressionComparison {
  model: RegressionMetrics;
  seasonalNaive: RegressionMetrics;
  movingAverage: RegressionMetrics;
  /** 1 − WAPE(model) / WAPE(seasonal naive); 0.2 = 20% better than the baseline. */
  improvementOverSeasonalNaive: number;
  /** Rows compared. */
  rows: number;
}

/** Overall and per-store comparison on one evaluation window. */
export interface RegressionEvaluation extends RegressionComparison {
  perStore: Record<string, RegressionComparison>;
}

/** MASE scale from every series' actuals before `beforeDay` (the training window). */
export function trainingMaseScale(history: SalesHistory, dataset: TrainingDataset, beforeDay: number): number {
  const seen = new Set<string>();
  const series: Float64Array[] = [];
  for (const row of dataset.rows) {
    const key = `${row.store}\u0000${row.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const view = history.get(row.store, row.item);
    if (view) series.push(view.units.subarray(0, Math.max(0, Math.min(view.length, beforeDay - view.firstDay))));
  }
  return maseScale(series);
}

function compare(actual: Float64Array, model: Float64Array, naive: Float64Array, average: Float64Array, scale: number): RegressionComparison {
  const modelMetrics = regressionMetrics(actual, model, scale);
  const naiveMetrics = regressionMetrics(actual, naive, scale);
  return {
    model: modelMetrics,
    seasonalNaive: naiveMetrics,
    movingAverage: regressionMetrics(actual, average, scale),
    improvementOverSeasonalNaive: 1 - modelMetrics.wape / naiveMetrics.wape,
    rows: actual.length,
  };
}

/**
 * Compares model predictions on `indices` with seasonal naive and the moving average
 * (issue #3: baselines beside every model). Only rows where both baselines exist are
 * compared (the first week of a series has no seasonal-naive value), so all three are
 * measured on identical rows.
 */
export function evaluateRegression(dataset: TrainingDataset, indices: Uint32Array, predictions: Float64Array, horizon: number, scale: number): RegressionEvaluation {
  const naive = seasonalNaive(dataset.history, dataset.rows, indices, horizon);
  const average = movingAverage(dataset.history, dataset.rows, indices, horizon);
  const kept: number[] = [];
  for (let i = 0; i < indices.length; i += 1) if (Number.isFinite(naive[i]) && Number.isFinite(average[i])) kept.push(i);
  const pick = (values: Float64Array, subset: number[]): Float64Array => Float64Array.from(subset, (i) => values[i]);
  const actualAll = Float64Array.from(indices, (r) => dataset.y[r]);
  const byStore = new Map<string, number[]>();
  for (const i of kept) {
    const store = dataset.rows[indices[i]].store;
    let list = byStore.get(store);
    if (!list) byStore.set(store, (list = []));
    list.push(i);
  }
  const perStore: Record<string, RegressionComparison> = {};
  for (const [store, subset] of [...byStore].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    perStore[store] = compare(pick(actualAll, subset), pick(predictions, subset), pick(naive, subset), pick(average, subset), scale);
  }
  return { ...compare(pick(actualAll, kept), pick(predictions, kept), pick(naive, kept), pick(average, kept), scale), perStore };
}

/** Binary target: model metrics beside the constant training-prevalence baseline. */
export interface BinaryEvaluation {
  model: BinaryMetrics;
  prevalenceBaseline: BinaryMetrics;
  rows: number;
}

/** Evaluates probabilities for a 0/1 target (`--target stockout`). */
export function evaluateBinary(labels: Float64Array, scores: Float64Array, trainingPrevalence: number): BinaryEvaluation {
  return {
    model: binaryMetrics(labels, scores),
    prevalenceBaseline: binaryMetrics(labels, new Float64Array(labels.length).fill(trainingPrevalence)),
    rows: labels.length,
  };
}
