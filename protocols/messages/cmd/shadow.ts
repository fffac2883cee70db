import { z } from 'zod';
import { envelopeFields, modelRefSchema } from '../../envelope.js';
import { bundleSourceSchema } from './deploy.js';
import { idSchema } from '../../ids.js';

/**
 * Run a second model beside the serving one on live traffic without answering with it
 * (shadow experiment). `model: null` stops the shadow.
 */
export const shadowCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('shadow'),
  experimentId: idSchema,
  model: modelRefSchema.nullable(),
  bundle: bundleSourceSchema.optional(),
  /** Share of requests also scored by the shadow model. */
  sampleRate: z.number().min(0).max(1).default(1),
});
export type ShadowCommand = z.infer<typeof shadowCommandSchema>;
