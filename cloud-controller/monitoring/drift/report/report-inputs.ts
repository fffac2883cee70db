import { z } from 'zod';
import { finiteNumber } from '../../../../protocols/envelope.js';

/**
 * One window of the accuracy trend (issue #12, concept drift half): rolling error figures and
 * the sequential alarm's state. The report renders it when given; the accuracy monitor makes it.
 */
export const accuracyPointSchema = z.object({
  windowStart: z.string(),
  windowEnd: z.string(),
  n: z.number().int().nonnegative(),
  wape: finiteNumber.nullable(),
  bias: finiteNumber.nullable(),
  rmse: finiteNumber.nullable(),
  mase: finiteNumber.nullable(),
  alarm: z.enum(['ok', 'warning', 'alarm']),
  /** The sequential statistic (CUSUM / Page–Hinkley) after this window. */
  statistic: finiteNumber,
});
export type AccuracyPoint = z.infer<typeof accuracyPointSchema>;

/** An alert as people see it, with the evidence of what triggered it (issue #12, alerts half). */
export const alertViewSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  level: z.enum(['store', 'region', 'fleet']),
  subject: z.string(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  openedAt: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** Most accuracy points and alerts a report renders (newest kept). */
export const MAX_REPORT_POINTS = 5000;
export const accuracyInputSchema = z.array(accuracyPointSchema).max(MAX_REPORT_POINTS);
export const alertsInputSchema = z.array(alertViewSchema).max(MAX_REPORT_POINTS);
