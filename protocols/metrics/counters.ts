import { z } from 'zod';

/**
 * Additive accuracy counters (issue #3): the edge agent keeps these per model and day and
 * ships them in `accuracy` records (protocols/messages/up.ts); the controller adds them
 * across stores and days and derives metrics with `metricsFromCounters`. e = predicted − actual.
 */
export const accuracyCountersSchema = z.object({
  n: z.number().int().nonnegative(),
  sumAbsError: z.number().nonnegative(),
  sumAbsActual: z.number().nonnegative(),
  sumError: z.number(),
  sumSquaredError: z.number().nonnegative(),
});
export type AccuracyCounters = z.infer<typeof accuracyCountersSchema>;

/** Counters with nothing observed. */
export function emptyCounters(): AccuracyCounters {
  return { n: 0, sumAbsError: 0, sumAbsActual: 0, sumError: 0, sumSquaredError: 0 };
}

/** Adds one (actual, predicted) pair in place. */
export function addObservation(counters: AccuracyCounters, actual: number, predicted: number): void {
  const error = predicted - actual;
  counters.n += 1;
  counters.sumAbsError += Math.abs(error);
  counters.sumAbsActual += Math.abs(actual);
  counters.sumError += error;
  counters.sumSquaredError += error * error;
}

/** Sum of counters (fleet slices, several days). */
export function mergeCounters(parts: readonly AccuracyCounters[]): AccuracyCounters {
  const total = emptyCounters();
  for (const part of parts) {
    total.n += part.n;
    total.sumAbsError += part.sumAbsError;
    total.sumAbsActual += part.sumAbsActual;
    total.sumError += part.sumError;
    total.sumSquaredError += part.sumSquaredError;
  }
  return total;
}

/** MAE = Σ|e|/n, WAPE = Σ|e|/Σ|y|, bias = Σe/n, RMSE = √(Σe²/n); null when undefined (n = 0 or Σ|y| = 0). */
export function metricsFromCounters(counters: AccuracyCounters): { mae: number | null; wape: number | null; bias: number | null; rmse: number | null } {
  if (counters.n === 0) return { mae: null, wape: null, bias: null, rmse: null };
  return {
    mae: counters.sumAbsError / counters.n,
    wape: counters.sumAbsActual > 0 ? counters.sumAbsError / counters.sumAbsActual : null,
    bias: counters.sumError / counters.n,
    rmse: Math.sqrt(counters.sumSquaredError / counters.n),
  };
}
