import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { ErrorReply } from '../../protocols/messages/error-reply.js';
import type { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Sender } from '../../protocols/envelope.js';

/** The coded `error` reply for a failed POS request (protocols/messages/error-reply.ts). */
export function errorReply(sender: Sender, error: FleetcastError, requestId: string | undefined): ErrorReply {
  const path = error.details?.path;
  const reply: ErrorReply = { ...envelope(sender), type: 'error', code: error.code, message: error.message.slice(0, 500) };
  if (requestId !== undefined) reply.requestId = requestId;
  if (Array.isArray(path) && path.every((part) => typeof part === 'string' || typeof part === 'number')) reply.path = path as Array<string | number>;
  return reply;
}

/**
 * The request id to echo in an error reply when the payload did not validate: its `requestId`,
 * else its `id`, when the JSON parsed that far and the value fits the reply schema.
 */
export function salvageRequestId(payload: Buffer, maxBytes: number): string | undefined {
  if (payload.length > maxBytes) return undefined;
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    const candidate = typeof record.requestId === 'string' ? record.requestId : record.id;
    return typeof candidate === 'string' && candidate.length > 0 && candidate.length <= 128 ? candidate : undefined;
  } catch {
    return undefined;
  }
}
