import { z } from 'zod';
import { envelopeFields, modelRefSchema } from '../../envelope.js';
import { idSchema } from '../../ids.js';

/**
 * Return to a version the device keeps locally (the previous one unless `to` names another).
 * A rollback is the only way a lower version may become active (no-downgrade rule).
 */
export const rollbackCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('rollback'),
  deploymentId: idSchema,
  to: modelRefSchema.optional(),
  reason: z.string().max(500),
});
export type RollbackCommand = z.infer<typeof rollbackCommandSchema>;
