import type { SalesRow } from '../../protocols/data/sales-row.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { buildFeatureMatrix, SalesHistory, toEpochDay, type FeatureSpec } from '../../protocols/features/index.js';
import { z } from 'zod';

/** What the model predicts: units sold (regression) or whether the item was out of stock (binary). */
export const trainingTargetSchema = z.enum(['units', 'stockout']);
export type TrainingTarget = z.infer<typeof trainingTargetSchema>;

/** Feature rows built by the shared executor, their targets and the keys evaluation groups by. */
export interface TrainingDataset {
  names: string[];
  /** Row-major float32 [nRows, names.length]. */
  X: Float32Array;
  y: Float64Array;
  nRows: number;
  /** Epoch day of each row (time-based splits). */
  day: Int32Array;
  /** The source rows, in dataset order (store/item/date per row for per-store metrics and baselines). */
  rows: readonly SalesRow[];
  /** History index over all rows (baselines read it exactly like the executor does). */
  history: SalesHistory;
}

/**
 * Builds the training matrix with the SAME executor the agent runs (issue #3): every sales
 * row becomes one feature request for its own day, with its price/promo/weather as the POS
 * would send them. The history holds every row, which is safe because the executor never
 * reads targets after t − horizon. For `stockout`, rows without the flag are left out.
 */
export function buildTrainingDataset(rows: readonly SalesRow[], spec: FeatureSpec, target: TrainingTarget): TrainingDataset {
  const history = new SalesHistory();
  for (const row of rows) history.addDay(row.store, row.item, toEpochDay(row.date), row.units, row.price);
  const used = target === 'units' ? rows : rows.filter((row) => row.stockout !== undefined);
  if (used.length === 0) throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `no rows with a ${target} target`, { target });
  const features = buildFeatureMatrix(spec, history, used);
  const y = Float64Array.from(used, (row) => (target === 'units' ? row.units : row.stockout ? 1 : 0));
  const day = Int32Array.from(used, (row) => toEpochDay(row.date));
  return { names: features.names, X: features.matrix, y, nRows: used.length, day, rows: used, history };
}

/** The sub-matrix of `indices` (rows in the given order). */
export function selectRows(dataset: TrainingDataset, indices: Uint32Array): { X: Float32Array; y: Float64Array; nRows: number } {
  const width = dataset.names.length;
  const X = new Float32Array(indices.length * width);
  const y = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const r = indices[i];
    X.set(dataset.X.subarray(r * width, (r + 1) * width), i * width);
    y[i] = dataset.y[r];
  }
  return { X, y, nRows: indices.length };
}
