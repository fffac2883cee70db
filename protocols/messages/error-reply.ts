import { z } from 'zod';
import { envelopeFields } from '../envelope.js';

/**
 * A coded error sent back to whoever asked (POS request, controller command, blob request).
 * `code` is an `FC_ERR_*` from the catalog; `path` points into the offending payload when a
 * schema check failed.
 */
export const errorReplySchema = z.object({
  ...envelopeFields,
  type: z.literal('error'),
  requestId: z.string().max(128).optional(),
  code: z.string().regex(/^FC_ERR_[A-Z0-9_]+$/),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type ErrorReply = z.infer<typeof errorReplySchema>;
