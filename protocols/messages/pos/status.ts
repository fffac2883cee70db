import { z } from 'zod';
import { envelopeFields, modelRefSchema, timestampSchema } from '../../envelope.js';
import { healthSchema } from '../state.js';
import { servingPrecisionSchema } from '../../bundle/serving-precision.js';

/**
 * Retained on `pos/v1/status`: lets the POS decide whether to trust the agent or fall back
 * (e.g. to last year's sales) while no healthy model serves.
 */
export const posStatusSchema = z.object({
  ...envelopeFields,
  type: z.literal('status'),
  servingModel: modelRefSchema.nullable(),
  /** Precision the serving model runs in, with the fp32 fallback's reason (issue #10; absent from older agents). */
  serving: servingPrecisionSchema.nullable().optional(),
  health: healthSchema,
  lastUpdate: timestampSchema.nullable(),
  agentVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
});
export type PosStatus = z.infer<typeof posStatusSchema>;

/** Payloads of `pos/v1/status`. */
export const posStatusMessageSchema = z.discriminatedUnion('type', [posStatusSchema]);
