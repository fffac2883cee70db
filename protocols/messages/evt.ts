import { z } from 'zod';
import { envelopeFields, modelRefSchema } from '../envelope.js';
import { idSchema } from '../ids.js';
import { updateStateSchema } from '../update-states.js';
import { servingPrecisionSchema } from '../bundle/serving-precision.js';

const errorCodeSchema = z.string().regex(/^FC_ERR_[A-Z0-9_]+$/);

/** A transition of the update state machine, reported as it is persisted. */
export const deploymentEventSchema = z.object({
  ...envelopeFields,
  type: z.literal('deployment'),
  deploymentId: idSchema,
  model: modelRefSchema,
  from: updateStateSchema,
  to: updateStateSchema,
  /** Set when `to` is `failed` or `rolling_back`. */
  errorCode: errorCodeSchema.optional(),
  detail: z.string().max(1000).optional(),
  /** Download progress in bytes while `downloading`. */
  progress: z.object({ bytes: z.number().int().nonnegative(), total: z.number().int().positive() }).optional(),
  /** On `committed`: the graph that serves and why fp32 serves an int8 bundle (issue #10). */
  serving: servingPrecisionSchema.optional(),
});
export type DeploymentEvent = z.infer<typeof deploymentEventSchema>;

/**
 * Outcome of a command that is not a deployment (configure, shadow, ping) or the rejection
 * of one the device could not parse: an unknown `type` gets `ok: false` with a code, never a crash.
 */
export const commandResultEventSchema = z.object({
  ...envelopeFields,
  type: z.literal('command-result'),
  commandId: z.string().min(1).max(128),
  commandType: z.string().max(64),
  ok: z.boolean(),
  errorCode: errorCodeSchema.optional(),
  detail: z.string().max(1000).optional(),
});
export type CommandResultEvent = z.infer<typeof commandResultEventSchema>;

/** Payloads of `fc/v1/d/{deviceId}/evt`. */
export const eventMessageSchema = z.discriminatedUnion('type', [deploymentEventSchema, commandResultEventSchema]);
export type EventMessage = z.infer<typeof eventMessageSchema>;
