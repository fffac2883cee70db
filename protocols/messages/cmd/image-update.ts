import { z } from 'zod';
import { envelopeFields } from '../../envelope.js';
import { bundleSourceSchema } from './deploy.js';
import { idSchema } from '../../ids.js';

/** Install a new signed agent image into the inactive A/B slot (firmware-images). */
export const imageUpdateCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('image-update'),
  deploymentId: idSchema,
  image: z.object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    hardwareProfile: idSchema,
  }),
  bundle: bundleSourceSchema,
});
export type ImageUpdateCommand = z.infer<typeof imageUpdateCommandSchema>;
