import { z } from 'zod';
import { envelopeFields, finiteNumber, modelRefSchema, timestampSchema } from '../envelope.js';
import { salesDateSchema } from '../data/sales-date.js';
import { idSchema } from '../ids.js';

/** Sequence numbers are assigned by the agent's outbox, strictly increasing per incarnation. */
export const sequenceSchema = z.number().int().positive();

/**
 * The agent's boot identity for its outbox (issue #9 finding 7): generated when the outbox
 * database is created and kept with it, so a re-flashed device (fresh data dir, sequence
 * restarting at 1) is a new incarnation and its records are not mistaken for re-deliveries.
 * Batches of agents older than issue #9 carry none.
 */
export const incarnationSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'letters, digits and dashes, 8 to 64');

const recordFields = { seq: sequenceSchema, ts: timestampSchema };

/** Periodic health sample (systeminformation) plus serving counters since the last one. */
export const heartbeatRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('heartbeat'),
  cpuLoadPercent: finiteNumber.min(0),
  memUsedBytes: z.number().int().nonnegative(),
  memTotalBytes: z.number().int().nonnegative(),
  diskFreeBytes: z.number().int().nonnegative(),
  temperatureC: finiteNumber.nullable(),
  uptimeSec: finiteNumber.nonnegative(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  latencyP50Ms: finiteNumber.nonnegative().nullable(),
  latencyP99Ms: finiteNumber.nonnegative().nullable(),
  rssBytes: z.number().int().nonnegative(),
  /** Stored rows moved to the agent's quarantine table since the last heartbeat (issue #9). */
  quarantinedRows: z.number().int().positive().optional(),
});

/** Per-feature drift of one closed window against the bundle's reference profile. */
export const driftRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('drift'),
  model: modelRefSchema,
  windowStart: timestampSchema,
  windowEnd: timestampSchema,
  n: z.number().int().nonnegative(),
  features: z
    .array(
      z.object({
        name: z.string().min(1).max(128),
        /** Population stability index over the reference bins. */
        psi: finiteNumber.nonnegative(),
        missingShare: finiteNumber.min(0).max(1),
        /** Counts per reference bin (compact histogram; sums to n minus missing). */
        counts: z.array(z.number().int().nonnegative()).max(256),
        /** Rows where the feature was missing (issue #12: exact, so merged counts add up; absent before #12). */
        missing: z.number().int().nonnegative().optional(),
      }),
    )
    .max(512),
  prediction: z.object({ psi: finiteNumber.nonnegative(), counts: z.array(z.number().int().nonnegative()).max(256) }),
  /**
   * Count layout (issue #12, protocols/drift/layout.ts): 2 = categorical features count tracked
   * categories + other + unseen instead of quantile bins. Absent: quantile bins for every feature.
   */
  layout: z.literal(2).optional(),
  /** Importance-weighted share of drifted features the device computed (issue #12). */
  driftShare: finiteNumber.min(0).max(1).optional(),
  /** Indices into `features` the device declared drifted (issue #12). */
  drifted: z.array(z.number().int().nonnegative().max(511)).max(512).optional(),
});

/**
 * Forecast accuracy counters per model version and day: from these sums the controller
 * derives MAE = Σ|e|/n, WAPE = Σ|e|/Σ|y|, bias = Σe/n and RMSE = √(Σe²/n) across any fleet slice.
 */
export const accuracyRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('accuracy'),
  model: modelRefSchema,
  day: salesDateSchema,
  n: z.number().int().nonnegative(),
  sumAbsError: finiteNumber.nonnegative(),
  sumAbsActual: finiteNumber.nonnegative(),
  sumError: finiteNumber,
  sumSquaredError: finiteNumber.nonnegative(),
  /** `shadow` when the counters belong to the shadow model of an experiment. */
  role: z.enum(['active', 'shadow']),
});

/**
 * Loss-differential counters of a shadow experiment per day (issue #13): over the forecasts
 * both the serving (champion) and the shadow (challenger) model made for the same POS rows and
 * whose actual arrived, with absolute-error loss L = |forecast − actual| and d = L(champion) −
 * L(challenger): n, Σd, Σd² and each arm's Σ L. Additive, so the controller sums any number of
 * records per device and day into the daily mean differential Σd/n.
 */
export const experimentRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('experiment'),
  experimentId: idSchema,
  day: salesDateSchema,
  champion: modelRefSchema,
  challenger: modelRefSchema,
  n: z.number().int().positive(),
  sumDiff: finiteNumber,
  sumDiffSquared: finiteNumber.nonnegative(),
  sumLossChampion: finiteNumber.nonnegative(),
  sumLossChallenger: finiteNumber.nonnegative(),
});

/** Scoring activity of a window: requests per outcome and per error code. */
export const scoringRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('scoring'),
  model: modelRefSchema.nullable(),
  windowStart: timestampSchema,
  windowEnd: timestampSchema,
  requests: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  errorsByCode: z.record(z.string().regex(/^FC_ERR_[A-Z0-9_]+$/), z.number().int().nonnegative()),
  /** Prediction mean and count for quick sanity views; the full distribution goes in drift. */
  predictionMean: finiteNumber.nullable(),
  /** Stores and items seen, hashed when the config marks them personal. */
  stores: z.array(idSchema).max(100),
  /** Answered requests by history completeness (issue #10): how often stores forecast without full history. */
  history: z.object({ full: z.number().int().nonnegative(), partial: z.number().int().nonnegative(), none: z.number().int().nonnegative() }).optional(),
});

/** Records the outbox had to drop under its disk budget (drop-oldest); the loss itself is reported. */
export const droppedRecordSchema = z.object({
  ...recordFields,
  kind: z.literal('dropped'),
  count: z.number().int().positive(),
  fromSeq: sequenceSchema,
  toSeq: sequenceSchema,
});

export const outboxRecordSchema = z.discriminatedUnion('kind', [
  heartbeatRecordSchema,
  driftRecordSchema,
  accuracyRecordSchema,
  scoringRecordSchema,
  droppedRecordSchema,
  experimentRecordSchema,
]);
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;
export type OutboxRecordKind = OutboxRecord['kind'];

/** One upload of outbox records on `fc/v1/d/{deviceId}/up`; `fromSeq..toSeq` of `incarnation` covers every record. */
export const upBatchSchema = z.object({
  ...envelopeFields,
  type: z.literal('batch'),
  incarnation: incarnationSchema.optional(),
  fromSeq: sequenceSchema,
  toSeq: sequenceSchema,
  records: z.array(outboxRecordSchema).min(1).max(1_000),
});
export type UpBatch = z.infer<typeof upBatchSchema>;

/** Payloads of `fc/v1/d/{deviceId}/up`; every record's seq must lie in the batch's range. */
export const upMessageSchema = z.discriminatedUnion('type', [upBatchSchema]).superRefine((batch, ctx) => {
  if (batch.toSeq < batch.fromSeq) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['toSeq'], message: 'toSeq < fromSeq' });
  batch.records.forEach((record, index) => {
    if (record.seq < batch.fromSeq || record.seq > batch.toSeq) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['records', index, 'seq'], message: 'seq outside fromSeq..toSeq' });
    }
  });
});
export type UpMessage = z.infer<typeof upMessageSchema>;
