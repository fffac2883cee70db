import { z } from 'zod';
import { idSchema } from '../../protocols/ids.js';
import { timestampSchema } from '../../protocols/envelope.js';
import { bundleManifestSchema } from '../../protocols/bundle/manifest.js';

/** Lifecycle stages (MLflow's classic stages); at most one version per model is in Production. */
export const stageSchema = z.enum(['Development', 'Staging', 'Production', 'Archived']);
export type Stage = z.infer<typeof stageSchema>;

/** The stage `input` names in any case (`production` → `Production`), for operators typing it (issue #11). */
export function stageNamed(input: string): Stage | undefined {
  return stageSchema.options.find((stage) => stage.toLowerCase() === input.toLowerCase());
}

/**
 * An alias name (`champion`, `challenger`, custom). Numbers and stage names are refused so that
 * `name@ref` stays unambiguous: a ref is a version number, a stage, or an alias.
 */
export const aliasNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'aliases are lowercase, start with a letter')
  .refine((value) => !stageSchema.options.map((stage) => stage.toLowerCase()).includes(value), 'an alias cannot be a stage name');

/** A free-form tag on a version (key → value), e.g. `reviewed=yes`. */
export const tagKeySchema = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/);

/** One registered model version, as `registry list` and `GET /v1/models/{name}/versions` show it. */
export const modelVersionSchema = z.object({
  name: idSchema,
  version: z.number().int().positive(),
  stage: stageSchema,
  aliases: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  sha256: z.string(),
  size: z.number().int().nonnegative(),
  /** Training run that produced it (experiment tracking), from the manifest. */
  runId: z.string().nullable(),
  kind: z.string(),
  metrics: bundleManifestSchema.shape.metrics,
  quantization: bundleManifestSchema.shape.quantization,
  registeredAt: timestampSchema,
  registeredBy: z.string(),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

/** A version together with its stored bundle: what distribution, predict and deployments need. */
export const resolvedModelVersionSchema = modelVersionSchema.extend({
  bundlePath: z.string(),
  manifest: bundleManifestSchema,
});
export type ResolvedModelVersion = z.infer<typeof resolvedModelVersionSchema>;

/** One append-only history entry: a registration, stage change or alias move (who, when, why). */
export const historyEntrySchema = z.object({
  id: z.number().int(),
  name: idSchema,
  version: z.number().int().positive().nullable(),
  kind: z.enum(['registered', 'stage', 'alias-set', 'alias-removed', 'approval-requested', 'approval-granted', 'rollback']),
  /** For `stage`: previous stage; for alias changes: the alias name; for `rollback`: the version stores left (`v2`). */
  from: z.string().nullable(),
  /** For `stage`: new stage; for `alias-set`: the alias name. */
  to: z.string().nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  at: timestampSchema,
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** A pending or decided request to promote a version to Production (second-operator rule). */
export const approvalRequestSchema = z.object({
  id: z.number().int(),
  name: idSchema,
  version: z.number().int().positive(),
  requestedBy: z.string(),
  reason: z.string().nullable(),
  requestedAt: timestampSchema,
  status: z.enum(['pending', 'approved']),
  decidedBy: z.string().nullable(),
  decidedAt: timestampSchema.nullable(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/** Outcome of a promotion: applied now, or waiting for a second operator. */
export type PromotionResult =
  | { status: 'applied'; version: ModelVersion; archived: number[] }
  | { status: 'pending'; approval: ApprovalRequest };
