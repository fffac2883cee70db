import { z } from 'zod';
import { finiteNumber, timestampSchema } from '../../../protocols/envelope.js';
import { idSchema } from '../../../protocols/ids.js';
import { driftThresholdsSchema } from '../../../protocols/drift/thresholds.js';

/** Per-query threshold overrides (issue #12 tuning): the controller recomputes every statistic, so any threshold can be tried on stored windows. */
const thresholdOverrides = z.object({
  minSamples: z.coerce.number().pipe(driftThresholdsSchema.shape.minSamples.removeDefault()),
  psi: z.coerce.number().pipe(driftThresholdsSchema.shape.psi.removeDefault()),
  js: z.coerce.number().pipe(driftThresholdsSchema.shape.js.removeDefault()),
  wasserstein: z.coerce.number().pipe(driftThresholdsSchema.shape.wasserstein.removeDefault()),
  ks: z.coerce.number().pipe(driftThresholdsSchema.shape.ks.removeDefault()),
  missingShare: z.coerce.number().pipe(driftThresholdsSchema.shape.missingShare.removeDefault()),
  unseenShare: z.coerce.number().pipe(driftThresholdsSchema.shape.unseenShare.removeDefault()),
  datasetShare: z.coerce.number().pipe(driftThresholdsSchema.shape.datasetShare.removeDefault()),
}).partial();

/** Levels drift is merged at (issue #12): a store's devices, a region's, the whole fleet. */
export const driftLevelSchema = z.enum(['store', 'region', 'fleet']);
export type DriftLevel = z.infer<typeof driftLevelSchema>;

/** `GET /v1/drift` query. */
export const driftQuerySchema = z.object({
  level: driftLevelSchema,
  /** Store id or region; ignored for the fleet. */
  subject: idSchema.optional(),
  model: idSchema,
  /** Default: the newest version with drift windows. */
  version: z.coerce.number().int().positive().optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
  /** Width of the time buckets device windows are merged in (default: the agent's hourly window). */
  bucketSec: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
  /** Newest buckets returned. */
  limit: z.coerce.number().int().positive().max(2000).default(168),
}).merge(thresholdOverrides).refine((query) => query.level === 'fleet' || query.subject !== undefined, { message: 'store and region levels need a subject', path: ['subject'] });
export type DriftQuery = z.infer<typeof driftQuerySchema>;

const statisticSchema = z.object({ value: finiteNumber, bound: z.number(), threshold: finiteNumber, exceeded: z.boolean() });

export const featureDriftSchema = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  n: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  drifted: z.boolean(),
  weight: finiteNumber,
  statistics: z.object({ psi: statisticSchema, js: statisticSchema, wasserstein: statisticSchema, ks: statisticSchema, missingShare: statisticSchema, unseenShare: statisticSchema }).partial(),
  categoryShares: z.record(z.string(), finiteNumber).nullable(),
  counts: z.array(z.number().int().nonnegative()),
});

export const driftWindowViewSchema = z.object({
  windowStart: z.string(),
  windowEnd: z.string(),
  devices: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  driftShare: finiteNumber,
  drifted: z.boolean(),
  features: z.array(featureDriftSchema),
  prediction: z.object({ psi: finiteNumber, counts: z.array(z.number().int().nonnegative()) }),
});
export type DriftWindowView = z.infer<typeof driftWindowViewSchema>;

/** What a level's windows are compared with: the bundle's reference layout per feature. */
export const referenceViewSchema = z.object({
  features: z.array(z.object({
    name: z.string(),
    kind: z.enum(['numeric', 'categorical']),
    edges: z.array(finiteNumber),
    labels: z.array(z.string()),
    shares: z.array(finiteNumber),
    weight: finiteNumber,
  })),
  /** True when weights are GBDT gain importances, false when uniform (bundles without gain). */
  weighted: z.boolean(),
  prediction: z.object({ edges: z.array(finiteNumber), shares: z.array(finiteNumber) }),
});

/** `GET /v1/drift` answer: one subject's merged windows, oldest first, with its reference. */
export const driftSeriesSchema = z.object({
  level: driftLevelSchema,
  subject: z.string().nullable(),
  model: z.string(),
  version: z.number().int().positive().nullable(),
  devices: z.array(z.string()),
  thresholds: z.record(z.string(), finiteNumber),
  reference: referenceViewSchema.nullable(),
  windows: z.array(driftWindowViewSchema),
  /** Stored windows left out: unreadable, or from agents before issue #12 (another count layout). */
  skippedWindows: z.number().int().nonnegative(),
});
export type DriftSeries = z.infer<typeof driftSeriesSchema>;
