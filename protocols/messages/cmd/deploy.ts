import { z } from 'zod';
import { envelopeFields, modelRefSchema, sha256Schema } from '../../envelope.js';
import { idSchema } from '../../ids.js';
import { storeHistorySourceSchema } from '../../features/store-history-file.js';

/** Where the bundle can be fetched: always over `blob/req`; optionally by HTTP range requests. */
export const bundleSourceSchema = z.object({
  sha256: sha256Schema,
  size: z.number().int().positive(),
  /** HTTP(S) URL serving the bundle with `Range` support; the agent prefers it when present. */
  url: z.string().url().optional(),
});
export type BundleSource = z.infer<typeof bundleSourceSchema>;

/**
 * Install `model` as the serving model. Idempotent by `deploymentId`: a device that already
 * committed it answers with its current state instead of installing again.
 */
export const deployCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('deploy'),
  deploymentId: idSchema,
  model: modelRefSchema,
  bundle: bundleSourceSchema,
  /** Rollout wave this deployment belongs to, for the controller's bookkeeping. */
  rollout: z.object({ id: idSchema, wave: z.number().int().nonnegative() }).optional(),
  /**
   * The device's store history, when the controller holds it (issue #10): the agent seeds its
   * actuals from this blob before the deployment, so the first forecast has full lag features.
   */
  history: storeHistorySourceSchema.optional(),
});
export type DeployCommand = z.infer<typeof deployCommandSchema>;
