import { z } from 'zod';
import { finiteNumber } from '../envelope.js';

/**
 * When a feature counts as drifted (issue #12, docs/monitoring.md): only with at least
 * `minSamples` non-missing rows in the window, and only when a statistic exceeds its threshold
 * by more than its error bound (binning plus 99 % sampling noise).
 */
export const driftThresholdsSchema = z.object({
  /** Fewest non-missing rows of a feature in a window before it can be declared drifted. */
  minSamples: z.number().int().positive().default(200),
  /** Population stability index (0.2 = the conventional "major shift" line). */
  psi: finiteNumber.positive().default(0.2),
  /** Jensen–Shannon distance, base 2, in [0, 1]. */
  js: finiteNumber.positive().default(0.15),
  /** Wasserstein-1 distance over the reference 1–99 % range, in reference standard deviations. */
  wasserstein: finiteNumber.positive().default(0.25),
  /** Kolmogorov–Smirnov statistic from the binned CDFs. */
  ks: finiteNumber.positive().default(0.1),
  /** Absolute change of the missing-value share against the reference. */
  missingShare: finiteNumber.positive().default(0.1),
  /** Share of a categorical feature's rows whose category the reference never saw. */
  unseenShare: finiteNumber.positive().default(0.05),
  /** Importance-weighted share of drifted features above which the whole window is drifted. */
  datasetShare: finiteNumber.positive().max(1).default(0.3),
});
export type DriftThresholds = z.infer<typeof driftThresholdsSchema>;
export type DriftThresholdsInput = z.input<typeof driftThresholdsSchema>;

/** The defaults documented in docs/monitoring.md. */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = driftThresholdsSchema.parse({});
