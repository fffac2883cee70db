/**
 * Point-forecast metrics (issue #3). Error convention everywhere: e = predicted − actual,
 * so a positive bias means over-forecasting. Inputs are equal-length arrays; an empty input
 * gives NaN (there is nothing to measure), never a throw.
 */
type Values = ArrayLike<number>;

/** Root mean squared error √(Σe²/n). */
export function rmse(actual: Values, predicted: Values): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error Σ|e|/n. */
export function mae(actual: Values, predicted: Values): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += Math.abs(predicted[i] - actual[i]);
  return sum / actual.length;
}

/** Mean error Σe/n (positive = over-forecast). */
export function bias(actual: Values, predicted: Values): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += predicted[i] - actual[i];
  return sum / actual.length;
}

/** Weighted absolute percentage error Σ|e| / Σ|y| — robust to the many zero-sales days that break MAPE. */
export function wape(actual: Values, predicted: Values): number {
  let errors = 0;
  let volume = 0;
  for (let i = 0; i < actual.length; i += 1) {
    errors += Math.abs(predicted[i] - actual[i]);
    volume += Math.abs(actual[i]);
  }
  return errors / volume;
}

/** Coefficient of determination 1 − Σe² / Σ(y − ȳ)². */
export function r2(actual: Values, predicted: Values): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i += 1) mean += actual[i];
  mean /= actual.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i += 1) {
    residual += (predicted[i] - actual[i]) ** 2;
    total += (actual[i] - mean) ** 2;
  }
  return 1 - residual / total;
}

/** Seasonal period of daily retail data (weekly cycle) used by MASE. */
export const MASE_SEASONAL_PERIOD = 7;

/**
 * MASE scale (Hyndman & Koehler 2006): the in-sample mean |y_t − y_{t−m}| of the seasonal
 * naive forecast over training series, pooled over all series (each series is consecutive days).
 * NaN entries (missing days) are skipped.
 */
export function maseScale(trainingSeries: readonly Values[], period = MASE_SEASONAL_PERIOD): number {
  let sum = 0;
  let n = 0;
  for (const series of trainingSeries) {
    for (let t = period; t < series.length; t += 1) {
      const diff = Math.abs(series[t] - series[t - period]);
      if (Number.isNaN(diff)) continue;
      sum += diff;
      n += 1;
    }
  }
  return sum / n;
}

/** Mean absolute scaled error: MAE divided by `maseScale` of the training series. */
export function mase(actual: Values, predicted: Values, scale: number): number {
  return mae(actual, predicted) / scale;
}

/** The regression metric set reported for models and baselines. */
export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
  wape: number;
  bias: number;
  mase: number;
}

/** All regression metrics at once (`scale` from `maseScale`). */
export function regressionMetrics(actual: Values, predicted: Values, scale: number): RegressionMetrics {
  return { rmse: rmse(actual, predicted), mae: mae(actual, predicted), r2: r2(actual, predicted), wape: wape(actual, predicted), bias: bias(actual, predicted), mase: mase(actual, predicted, scale) };
}
