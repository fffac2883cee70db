import { z } from 'zod';
import { featureSpecSchema } from '../../protocols/features/spec.js';

/** Where a run's files live (paths relative to the runs directory, so the store can move). */
export const runArtifactsSchema = z.object({
  /** Trained model JSON (model-packager/models/trained-model.ts format). */
  model: z.string(),
  /** Sample of training feature rows: little-endian float32 [sampleRows, features]. */
  sampleRows: z.string(),
  /** Holdout feature rows: little-endian float32 [holdoutRows, features]. */
  holdoutRows: z.string(),
  /** Holdout targets and keys (JSON: { targets, keys: [store, item, date][] }). */
  holdoutTargets: z.string(),
});
export type RunArtifacts = z.infer<typeof runArtifactsSchema>;

/** Version of the code that produced a run. */
export const codeVersionSchema = z.object({ packageVersion: z.string(), gitCommit: z.string().nullable() });
export type CodeVersion = z.infer<typeof codeVersionSchema>;

/** Lifecycle of a run row. */
export const runStatusSchema = z.enum(['running', 'finished', 'failed']);

/**
 * Holdout metric sets: the model and seasonal naive (copied into the bundle manifest) and the
 * 28-day moving average (issue #10; absent in runs recorded before it).
 */
export const runMetricsSchema = z.object({
  model: z.record(z.string(), z.number()),
  seasonalNaive: z.record(z.string(), z.number()).nullable(),
  movingAverage: z.record(z.string(), z.number()).nullable().optional(),
});
export type RunMetrics = z.infer<typeof runMetricsSchema>;

/**
 * One tracked training run as `getRun` returns it and `runs show --json` prints it
 * (stable interface for `fleetcast package --run`, issue #3/#4).
 */
export const runRecordSchema = z.object({
  id: z.string(),
  status: runStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  modelKind: z.string().nullable(),
  objective: z.string(),
  target: z.enum(['units', 'stockout']),
  /** Everything the run was configured with (CLI options, chosen hyper-parameters). */
  params: z.record(z.string(), z.unknown()),
  /** Holdout metrics (model and seasonal naive) for the manifest. */
  metrics: runMetricsSchema.nullable(),
  /** Full evaluation: baselines, per store, cross-validation folds, tuning trials. */
  evaluation: z.record(z.string(), z.unknown()).nullable(),
  dataPath: z.string().nullable(),
  dataSha256: z.string().nullable(),
  featureSpec: featureSpecSchema.nullable(),
  featureNames: z.array(z.string()).nullable(),
  validationReport: z.unknown().nullable(),
  artifacts: runArtifactsSchema.nullable(),
  codeVersion: codeVersionSchema,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Holdout WAPE against the best baseline (derived from `metrics` by `baselineVerdict`; null for binary runs). */
  baseline: z
    .object({ worseThanBaseline: z.boolean(), bestBaseline: z.enum(['seasonalNaive', 'movingAverage']), bestBaselineWape: z.number(), modelWape: z.number() })
    .nullable()
    .optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** One per-iteration value (e.g. `train` / `holdout` loss of the final fit). */
export const iterationMetricSchema = z.object({ iteration: z.number().int(), name: z.string(), value: z.number() });
export type IterationMetric = z.infer<typeof iterationMetricSchema>;
