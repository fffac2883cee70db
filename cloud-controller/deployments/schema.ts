import { z } from 'zod';
import { modelRefSchema, sha256Schema, timestampSchema } from '../../protocols/envelope.js';
import { idSchema } from '../../protocols/ids.js';
import { updateStateSchema } from '../../protocols/update-states.js';

/**
 * A request to make devices run one model version. `deploymentId` is the idempotency key:
 * repeating a request with the same id changes nothing (new devices are added to it).
 */
export const deploymentRequestSchema = z.object({
  deploymentId: idSchema.optional(),
  model: modelRefSchema,
  bundle: z.object({ sha256: sha256Schema, size: z.number().int().positive() }),
  deviceIds: z.array(idSchema).min(1),
  rollout: z.object({ id: idSchema, wave: z.number().int().nonnegative() }).optional(),
  /** `rollback` when an operator returns stores to an earlier version (issue #11). */
  kind: z.enum(['deploy', 'rollback']).default('deploy'),
  /**
   * The operator explicitly wants this version even where a newer one serves: each command then
   * carries a controller-signed downgrade authorization bound to the device and deployment.
   */
  authorizeDowngrade: z.boolean().default(false),
  /** Who asked (audit and `deployments list`). */
  actor: z.string().max(200).optional(),
});
export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;

/**
 * Where a device stands on its desired deployment: `pending` (not yet told, e.g. offline),
 * `sent`, `in_progress` (evt reports a working state), `committed`, `failed`.
 */
export const desiredStatusSchema = z.enum(['pending', 'sent', 'in_progress', 'committed', 'failed']);
export type DesiredStatus = z.infer<typeof desiredStatusSchema>;

/** One device's row of a deployment, as `GET /v1/deployments/{id}` shows it. */
export const deviceDeploymentStatusSchema = z.object({
  deviceId: idSchema,
  deploymentId: idSchema,
  model: modelRefSchema,
  status: desiredStatusSchema,
  updateState: updateStateSchema.nullable(),
  errorCode: z.string().nullable(),
  detail: z.string().nullable(),
  sentCount: z.number().int().nonnegative(),
  lastSentAt: timestampSchema.nullable(),
  updatedAt: timestampSchema,
});
export type DeviceDeploymentStatus = z.infer<typeof deviceDeploymentStatusSchema>;

/** Result of `deploy`: the id (generated when not given) and what happened per device. */
export const deploymentResultSchema = z.object({
  deploymentId: idSchema,
  assigned: z.array(idSchema),
  unchanged: z.array(idSchema),
  sent: z.array(idSchema),
});
export type DeploymentResult = z.infer<typeof deploymentResultSchema>;

/** One deployment with per-status device counts, as `deployments list` shows it. */
export const deploymentSummarySchema = z.object({
  deploymentId: idSchema,
  kind: z.enum(['deploy', 'rollback']),
  model: modelRefSchema,
  downgradeAuthorized: z.boolean(),
  actor: z.string().nullable(),
  createdAt: timestampSchema,
  devices: z.number().int().nonnegative(),
  counts: z.record(desiredStatusSchema, z.number().int().nonnegative()),
});
export type DeploymentSummary = z.infer<typeof deploymentSummarySchema>;
