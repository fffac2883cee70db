import { z } from 'zod';
import { envelopeFields, modelRefSchema, timestampSchema } from '../../envelope.js';
import { healthSchema } from '../state.js';

/**
 * Retained on `pos/v1/status`: lets the POS decide whether to trust the agent or fall back
 * (e.g. to last year's sales) while no healthy model serves.
 */
export const posStatusSchema = z.object({
  ...envelopeFields,
  type: z.literal('status'),
  servingModel: modelRefSchema.nullable(),
  health: healthSchema,
  lastUpdate: timestampSchema.nullable(),
  agentVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
});
export type PosStatus = z.infer<typeof posStatusSchema>;

/** Payloads of `pos/v1/status`. */
export const posStatusMessageSchema = z.discriminatedUnion('type', [posStatusSchema]);
