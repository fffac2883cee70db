import { errorCatalog, type ErrorCode } from './catalog.js';

/**
 * The one error type every fleetcast component throws for expected failures.
 * Callers and tests branch on `code` (stable, `FC_ERR_*`), never on message text
 * (the fastify `lib/errors.js` convention).
 */
export class FleetcastError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    const base = errorCatalog[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.name = 'FleetcastError';
    this.code = code;
    this.details = details;
  }

  /** The shape sent on the wire and printed by `--json` commands. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isFleetcastError(value: unknown): value is FleetcastError {
  return value instanceof FleetcastError;
}

/** Wraps anything thrown into a FleetcastError so that no stack trace reaches a user. */
export function toFleetcastError(value: unknown, fallback: ErrorCode = 'FC_ERR_INTERNAL'): FleetcastError {
  if (value instanceof FleetcastError) return value;
  const detail = value instanceof Error ? value.message : String(value);
  return new FleetcastError(fallback, detail, undefined, { cause: value });
}
