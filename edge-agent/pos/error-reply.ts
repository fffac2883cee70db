import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { ErrorReply } from '../../protocols/messages/error-reply.js';
import type { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Sender } from '../../protocols/envelope.js';
import { scoreRequestSchema } from '../../protocols/messages/pos/score-request.js';

/** The coded `error` reply for a failed POS request (protocols/messages/error-reply.ts). */
export function errorReply(sender: Sender, error: FleetcastError, requestId: string | undefined): ErrorReply {
  const path = error.details?.path;
  const reply: ErrorReply = { ...envelope(sender), type: 'error', code: error.code, message: error.message.slice(0, 500) };
  if (requestId !== undefined) reply.requestId = requestId;
  if (Array.isArray(path) && path.every((part) => typeof part === 'string' || typeof part === 'number')) reply.path = path as Array<string | number>;
  return reply;
}

/** What an error reply can still use of a payload that failed validation. */
export interface SalvagedFields {
  /** Its `requestId`, else its `id`, when it fits the reply schema. */
  requestId?: string;
  /** Its `replyTo`, when it is a concrete topic (the score request's rule); the ACL is checked later. */
  replyTo?: string;
}

/**
 * Reads `requestId`/`id` and `replyTo` from a payload that did not validate, when the JSON
 * parsed that far (issue #9 finding 11: a 3.1.1 client's error must reach its `replyTo`).
 */
export function salvageFields(payload: Buffer, maxBytes: number): SalvagedFields {
  if (payload.length > maxBytes) return {};
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  const salvaged: SalvagedFields = {};
  const candidate = typeof record.requestId === 'string' ? record.requestId : record.id;
  if (typeof candidate === 'string' && candidate.length > 0 && candidate.length <= 128) salvaged.requestId = candidate;
  if (typeof record.replyTo === 'string' && scoreRequestSchema.shape.replyTo.safeParse(record.replyTo).success) salvaged.replyTo = record.replyTo;
  return salvaged;
}
