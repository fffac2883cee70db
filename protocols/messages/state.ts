import { z } from 'zod';
import { envelopeFields, modelRefSchema, timestampSchema } from '../envelope.js';
import { idSchema } from '../ids.js';
import { updateStateSchema } from '../update-states.js';
import { servingPrecisionSchema } from '../bundle/serving-precision.js';

/** Health as both the cloud (`state`) and the store LAN (`pos/v1/status`) see it. */
export const healthSchema = z.object({
  status: z.enum(['healthy', 'degraded']),
  /** Why the agent is degraded, as error codes or short tags (e.g. `no_model`, `disk_low`). */
  reasons: z.array(z.string().max(100)).max(20),
});
export type Health = z.infer<typeof healthSchema>;

/**
 * Retained birth on `fc/v1/d/{deviceId}/state`, published on every (re)connect. The
 * controller reconciles desired against this reported state.
 */
export const birthStateSchema = z.object({
  ...envelopeFields,
  type: z.literal('birth'),
  online: z.literal(true),
  agentVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  hardwareProfile: idSchema,
  activeModel: modelRefSchema.nullable(),
  /** Precision the active model serves in, with the fp32 fallback's reason (issue #10). */
  serving: servingPrecisionSchema.nullable().optional(),
  shadowModel: modelRefSchema.nullable(),
  /** Versions kept locally for instant rollback, newest first. */
  retainedModels: z.array(modelRefSchema).max(20),
  update: z.object({ state: updateStateSchema, deploymentId: idSchema.nullable() }),
  health: healthSchema,
  startedAt: timestampSchema,
});
export type BirthState = z.infer<typeof birthStateSchema>;

/** The last will (broker-published on an unclean disconnect) or a clean shutdown notice. */
export const offlineStateSchema = z.object({
  ...envelopeFields,
  type: z.literal('offline'),
  online: z.literal(false),
  reason: z.enum(['lost', 'shutdown']),
});
export type OfflineState = z.infer<typeof offlineStateSchema>;

/** Payloads of `fc/v1/d/{deviceId}/state` (retained). */
export const stateMessageSchema = z.discriminatedUnion('type', [birthStateSchema, offlineStateSchema]);
export type StateMessage = z.infer<typeof stateMessageSchema>;
