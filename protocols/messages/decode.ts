import type { z } from 'zod';
import { FleetcastError } from '../errors/fleetcast-error.js';
import { issueCode } from '../errors/issue-code.js';
import { PROTOCOL_VERSION } from '../version.js';
import { topicSchemas, type TopicKind } from './topic-schemas.js';

export type MessageOf<K extends TopicKind> = z.infer<(typeof topicSchemas)[K]>;

/** Types each topic accepts, read off its discriminated union (for "unknown type" errors). */
function knownTypes(kind: TopicKind): Set<string> {
  const schema = topicSchemas[kind] as unknown as { _def: { schema?: { options?: unknown }; options?: unknown } };
  const union = (schema._def.schema ?? schema) as { _def?: { options?: Array<{ shape: { type: { value: string } } }> } };
  return new Set((union._def?.options ?? []).map((option) => option.shape.type.value));
}

const knownTypesByKind = new Map<TopicKind, Set<string>>(
  (Object.keys(topicSchemas) as TopicKind[]).map((kind) => [kind, knownTypes(kind)]),
);

/**
 * Parses and validates one payload. Failures are coded so that the receiver can answer
 * (never crash): FC_ERR_PAYLOAD_TOO_LARGE, FC_ERR_MALFORMED_JSON, FC_ERR_UNSUPPORTED_VERSION,
 * FC_ERR_UNKNOWN_MESSAGE_TYPE, FC_ERR_INVALID_MESSAGE (with the zod issue path in `details.path`)
 * or the more precise code a schema attached to its first issue (FC_ERR_DATE_OUT_OF_RANGE).
 */
export function decodeMessage<K extends TopicKind>(kind: K, payload: Buffer | string, maxBytes = 256 * 1024): MessageOf<K> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > maxBytes) throw new FleetcastError('FC_ERR_PAYLOAD_TOO_LARGE', `${size} > ${maxBytes} bytes`, { size, maxBytes });
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_MALFORMED_JSON', (error as Error).message);
  }
  return validateMessage(kind, value);
}

/** Validates an already-parsed value (see decodeMessage for the codes). */
export function validateMessage<K extends TopicKind>(kind: K, value: unknown): MessageOf<K> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FleetcastError('FC_ERR_INVALID_MESSAGE', 'payload must be a JSON object', { path: [] });
  }
  const record = value as Record<string, unknown>;
  if (record.v !== PROTOCOL_VERSION.wire) {
    throw new FleetcastError('FC_ERR_UNSUPPORTED_VERSION', `v=${JSON.stringify(record.v)}`, { path: ['v'] });
  }
  const known = knownTypesByKind.get(kind);
  if (typeof record.type !== 'string' || !known?.has(record.type)) {
    throw new FleetcastError('FC_ERR_UNKNOWN_MESSAGE_TYPE', `${JSON.stringify(record.type)} on ${kind}`, { path: ['type'], type: record.type });
  }
  const result = topicSchemas[kind].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FleetcastError(issueCode(issue, 'FC_ERR_INVALID_MESSAGE'), `${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      path: issue.path,
      issues: result.error.issues.slice(0, 10).map((i) => ({ path: i.path, message: i.message })),
    });
  }
  return result.data as MessageOf<K>;
}
