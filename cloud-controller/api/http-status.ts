import type { ErrorCode } from '../../protocols/errors/catalog.js';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  FC_ERR_UNAUTHENTICATED: 401,
  FC_ERR_FORBIDDEN: 403,
  FC_ERR_SELF_APPROVAL: 403,
  FC_ERR_NOT_AUTHORIZED: 403,
  FC_ERR_ROUTE_NOT_FOUND: 404,
  FC_ERR_MODEL_NOT_FOUND: 404,
  FC_ERR_DEVICE_NOT_FOUND: 404,
  FC_ERR_APPROVAL_NOT_FOUND: 404,
  FC_ERR_FILE_NOT_FOUND: 404,
  FC_ERR_DEVICE_EXISTS: 409,
  FC_ERR_MODEL_VERSION_EXISTS: 409,
  FC_ERR_INVALID_STAGE_CHANGE: 409,
  FC_ERR_PAYLOAD_TOO_LARGE: 413,
  FC_ERR_PREDICT_BUSY: 429,
};

/**
 * HTTP status for a coded error: explicit mappings above, otherwise exit status 64/65/1
 * (bad input) → 400, 66 → 404, 77 → 403, anything else → 500.
 */
export function httpStatusFor(code: ErrorCode, exitCode: number): number {
  const mapped = STATUS_BY_CODE[code];
  if (mapped) return mapped;
  if (code.startsWith('FC_ERR_BUNDLE_')) return 422;
  if (exitCode === 64 || exitCode === 65 || exitCode === 1) return 400;
  if (exitCode === 66) return 404;
  if (exitCode === 77) return 403;
  return 500;
}
