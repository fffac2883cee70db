import { z } from 'zod';
import { envelopeFields, modelRefSchema, sha256Schema } from '../../envelope.js';
import { idSchema } from '../../ids.js';
import { storeHistorySourceSchema } from '../../features/store-history-file.js';
import { controllerSignatureSchema } from './controller-signature.js';

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
  /**
   * Controller-signed permission to install a version lower than the active one (issue #11):
   * an operator's rollback or deploy of an older version. Bound to this device, deployment,
   * model version and bundle (`downgrade-authorization.ts`); without it the no-downgrade rule holds.
   */
  downgradeAuthorization: controllerSignatureSchema.optional(),
});
export type DeployCommand = z.infer<typeof deployCommandSchema>;

/**
 * Failure codes caused by the device itself (keys, disk, agent version), which the
 * device can fix without a new bundle. The controller re-sends the same deployment when such a
 * device reports a change (new signing keys, a fresh birth), and the agent runs a deployment
 * that failed with one of these again instead of answering with the old outcome (issue #11).
 */
export const DEVICE_SIDE_FAILURES: ReadonlySet<string> = new Set([
  'FC_ERR_BUNDLE_UNTRUSTED_SIGNER',
  'FC_ERR_BUNDLE_AGENT_TOO_OLD',
  'FC_ERR_UPDATE_STORE_IO',
  'FC_ERR_UPDATE_NO_TRUSTED_KEYS',
]);
