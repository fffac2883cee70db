import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { RunMetrics } from './run-record.js';

/** Relative slack so that a baseline model scored through float32 features ties with the float64 baseline. */
const TIE_TOLERANCE = 1e-6;

/** How a run's holdout WAPE compares with its best baseline (issue #10). */
export interface BaselineVerdict {
  /** True when the model's holdout WAPE is worse than the best baseline's. */
  worseThanBaseline: boolean;
  bestBaseline: 'seasonalNaive' | 'movingAverage';
  bestBaselineWape: number;
  modelWape: number;
}

/**
 * Compares the model's holdout WAPE with seasonal naive and the 28-day moving average on the
 * same rows (one function for `train` output, `runs list|show` and `package`). Null for runs
 * without a WAPE (binary target) or without baselines.
 */
export function baselineVerdict(metrics: RunMetrics | null): BaselineVerdict | null {
  const modelWape = metrics?.model.wape;
  if (metrics === null || modelWape === undefined) return null;
  const candidates = [
    ['seasonalNaive', metrics.seasonalNaive?.wape],
    ['movingAverage', metrics.movingAverage?.wape],
  ].filter((entry): entry is [BaselineVerdict['bestBaseline'], number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]));
  if (candidates.length === 0) return null;
  const [bestBaseline, bestBaselineWape] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { worseThanBaseline: modelWape > bestBaselineWape * (1 + TIE_TOLERANCE), bestBaseline, bestBaselineWape, modelWape };
}

/**
 * `fleetcast package` refuses a run whose holdout WAPE loses to a baseline (issue #10): a
 * store is better served by the moving average it could compute itself. `allow`
 * (`--allow-worse-than-baseline`) packages it anyway.
 */
export function assertBeatsBaselines(runId: string, metrics: RunMetrics | null, allow: boolean): void {
  const verdict = baselineVerdict(metrics);
  if (allow || !verdict?.worseThanBaseline) return;
  throw new FleetcastError(
    'FC_ERR_RUN_WORSE_THAN_BASELINE',
    `run ${runId}: holdout WAPE ${verdict.modelWape.toFixed(4)} is worse than ${verdict.bestBaseline} (${verdict.bestBaselineWape.toFixed(4)}); pass --allow-worse-than-baseline to package it anyway`,
    { runId, ...verdict, flag: '--allow-worse-than-baseline' },
  );
}
