import { z } from 'zod';
import type { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * What every failed call returns (error handler, not-found handler): clients branch on
 * `error.code`, never on `message` (docs/api.md "Errors"). The OpenAPI document's 4XX/5XX
 * responses are generated from this schema, so docs and behaviour share one definition.
 */
export const apiErrorBodySchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.string().regex(/^FC_ERR_[A-Z0-9_]+$/),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** The wire body of a coded error. */
export function apiErrorBody(error: FleetcastError): ApiErrorBody {
  return { ok: false, error: error.toJSON() };
}
