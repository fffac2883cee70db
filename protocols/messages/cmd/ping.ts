import { z } from 'zod';
import { envelopeFields } from '../../envelope.js';

/** Liveness probe; the device answers with a `pong` event carrying the ping's id. */
export const pingCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('ping'),
});
export type PingCommand = z.infer<typeof pingCommandSchema>;
