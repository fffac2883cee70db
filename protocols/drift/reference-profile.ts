import { z } from 'zod';
import { finiteNumber } from '../envelope.js';

/** Name of the reference-profile file inside a bundle. */
export const REFERENCE_FILE = 'reference.json';

/** Probabilities at which every profile records quantiles. */
export const PROFILE_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

/** Quantile bins (see `binning.ts`: `edges[i-1] < x <= edges[i]`) with reference counts. */
export const histogramSchema = z.object({
  edges: z.array(finiteNumber),
  counts: z.array(z.number().int().nonnegative()),
}).refine((h) => h.counts.length === h.edges.length + 1, { message: 'counts must have edges.length + 1 entries' });

/** Distribution summary of one numeric series (a feature or the predictions). */
export const distributionSchema = z.object({
  count: z.number().int().nonnegative(),
  /** Share of rows where the value was missing (NaN). */
  missingShare: finiteNumber.min(0).max(1),
  mean: finiteNumber.nullable(),
  std: finiteNumber.nullable(),
  quantiles: z.array(z.object({ q: finiteNumber, value: finiteNumber })),
  histogram: histogramSchema,
});
export type Distribution = z.infer<typeof distributionSchema>;

/**
 * One input feature's reference. Categorical features (ordinal store/item codes) also carry
 * the frequency of each vocabulary entry, so unseen or shifted categories are visible.
 */
export const featureProfileSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['numeric', 'categorical']),
  distribution: distributionSchema,
  /** For categorical features: vocabulary entry → share of non-missing rows. */
  categoryFrequencies: z.record(z.string(), finiteNumber.min(0).max(1)).nullable(),
  /** GBDT: total split gain and split count; linear/MLP: |weight| on standardised input. */
  importance: z.object({ gain: finiteNumber.nullable(), splits: z.number().int().nonnegative().nullable(), weight: finiteNumber.nullable() }),
});
export type FeatureProfile = z.infer<typeof featureProfileSchema>;

/**
 * `reference.json`: what "normal" looked like at training time, for on-device drift (PSI per
 * feature and on predictions) and accuracy checks (issue #4, DESIGN "Model bundle").
 */
export const referenceProfileSchema = z.object({
  formatVersion: z.literal(1),
  rows: z.number().int().positive(),
  features: z.array(featureProfileSchema).min(1),
  prediction: distributionSchema,
  /** Holdout error statistics of the packaged model (null when no labelled holdout exists). */
  validationErrors: z.object({
    rows: z.number().int().positive(),
    wape: finiteNumber.nullable(),
    mae: finiteNumber,
    rmse: finiteNumber,
    bias: finiteNumber,
    absErrorQuantiles: z.array(z.object({ q: finiteNumber, value: finiteNumber })),
  }).nullable(),
});
export type ReferenceProfile = z.infer<typeof referenceProfileSchema>;
