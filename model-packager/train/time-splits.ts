import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** Row indices of one train/evaluation split. */
export interface TimeSplit {
  train: Uint32Array;
  test: Uint32Array;
  /** First and last epoch day of the evaluation window. */
  testFromDay: number;
  testToDay: number;
}

/** Holdout and rolling-origin folds (issue #3: time-series CV, never a random split). */
export interface SplitPlan {
  holdout: TimeSplit;
  folds: TimeSplit[];
}

function split(days: Int32Array, trainBefore: number, testFrom: number, testTo: number): TimeSplit {
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < days.length; r += 1) {
    if (days[r] < trainBefore) train.push(r);
    else if (days[r] >= testFrom && days[r] <= testTo) test.push(r);
  }
  return { train: Uint32Array.from(train), test: Uint32Array.from(test), testFromDay: testFrom, testToDay: testTo };
}

/**
 * The last `holdoutDays` days are the holdout (reported, never tuned on). Before them, `folds`
 * rolling origins: fold i evaluates on `foldDays` consecutive days and trains on every day
 * before them, the last fold ending right before the holdout (expanding window, as in
 * Hyndman's "evaluation on a rolling forecasting origin"). Too little history →
 * FC_ERR_TRAIN_TOO_LITTLE_HISTORY (each training window keeps at least `minTrainDays`).
 */
export function planTimeSplits(days: Int32Array, options: { holdoutDays: number; folds: number; foldDays: number; minTrainDays: number }): SplitPlan {
  let first = Infinity;
  let last = -Infinity;
  for (const day of days) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const holdoutFrom = last - options.holdoutDays + 1;
  const firstFoldFrom = holdoutFrom - options.folds * options.foldDays;
  if (firstFoldFrom - first < options.minTrainDays) {
    throw new FleetcastError('FC_ERR_TRAIN_TOO_LITTLE_HISTORY', `${last - first + 1} days of data; need ${options.minTrainDays + options.folds * options.foldDays + options.holdoutDays}`, {
      days: last - first + 1,
    });
  }
  const folds: TimeSplit[] = [];
  for (let k = 0; k < options.folds; k += 1) {
    const from = firstFoldFrom + k * options.foldDays;
    folds.push(split(days, from, from, from + options.foldDays - 1));
  }
  return { holdout: split(days, holdoutFrom, holdoutFrom, last), folds };
}
