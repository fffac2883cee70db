import { z } from 'zod';
import { finiteNumber, modelRefSchema } from '../../protocols/envelope.js';
import { scoreRowSchema } from '../../protocols/messages/pos/score-request.js';
import { salesRowSchema } from '../../protocols/data/sales-row.js';
import { predictionSchema } from '../../protocols/messages/pos/score-response.js';

/**
 * What a cloud caller knows about a day to forecast: the POS score row (one schema for both
 * edges, so the two paths cannot disagree on input rules) without personal fields.
 */
export const predictRowSchema = scoreRowSchema.omit({ customerId: true }).strip();
export type PredictRow = z.infer<typeof predictRowSchema>;

/** One past day of actuals the lag and rolling features are built from (canonical sales row fields). */
export const historyActualSchema = salesRowSchema.pick({ date: true, store: true, item: true, units: true, price: true });

/** Most history rows one request may carry. */
export const MAX_HISTORY_ROWS = 200_000;

/**
 * Body of `POST /v1/models/{name}/predict`. Unlike the edge agent, the controller keeps no
 * per-store history, so callers send the recent actuals the spec's lags need.
 */
export function predictRequestSchema(maxRows: number) {
  return z.object({
    rows: z.array(predictRowSchema).min(1).max(maxRows),
    history: z.array(historyActualSchema).max(MAX_HISTORY_ROWS).default([]),
  });
}

/** Forecasts in request order, the version that made them, and how many were clamped. */
export const predictResponseSchema = z.object({
  model: modelRefSchema,
  predictions: z.array(predictionSchema),
  /** Rows whose raw model output fell outside [0, ceiling] and were clamped. */
  clamped: z.number().int().nonnegative(),
  /** Upper bound applied, from the bundle's reference profile (null: no upper bound). */
  ceiling: finiteNumber.nullable(),
});
export type PredictResponse = z.infer<typeof predictResponseSchema>;
