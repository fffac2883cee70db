import { datetimeRegex } from 'zod';
import { assertValidId } from '../../protocols/ids.js';
import { salesDateProblem } from '../../protocols/data/sales-date.js';
import { MAX_SCORE_ROWS, type ScoreRequest, type ScoreRow } from '../../protocols/messages/pos/score-request.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';

/** The envelope's `ts` check, built by zod from the same options as protocols' timestampSchema. */
const TIMESTAMP = datetimeRegex({ offset: true, local: false, precision: null });
// eslint-disable-next-line no-control-regex -- the reply-topic rule of scoreRequestSchema
const CONCRETE_TOPIC = /^[^+#\u0000]+$/;
const SENDER_ROLES = new Set(['controller', 'device', 'pos']);

const isId = (value: unknown): value is string => {
  try {
    assertValidId(value);
    return true;
  } catch {
    return false;
  }
};
const isString = (value: unknown, min: number, max: number): value is string => typeof value === 'string' && value.length >= min && value.length <= max;
const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optionalNumber = (value: unknown, min: number, max: number, exclusiveMin = false): boolean =>
  value === undefined || (isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max);

function isScoreRow(value: unknown): value is ScoreRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const row = value as Record<string, unknown>;
  return (
    isId(row.store) &&
    isId(row.item) &&
    salesDateProblem(row.date) === null &&
    optionalNumber(row.price, 0, Number.POSITIVE_INFINITY, true) &&
    (row.promo === undefined || typeof row.promo === 'boolean') &&
    optionalNumber(row.tempC, -80, 70) &&
    optionalNumber(row.precipMm, 0, 1_000) &&
    (row.customerId === undefined || isString(row.customerId, 0, 128))
  );
}

/**
 * The POS hot path's validator for `pos/v1/score/req` (issue #15: zod took 40 % of a request's
 * time in the agent). It accepts a payload only when every rule of `scoreRequestSchema` holds,
 * checked directly, and returns what zod would: the envelope and request fields (unknown
 * top-level fields stripped) and the rows as sent (rows pass unknown fields through). Anything
 * else — too large, not JSON, a wrong version or type, any failing or unusual field — returns
 * null and the caller runs `decodeMessage`, which gives the coded error; a differential test
 * (test/edge-agent/score-request-fast-path.test.ts) holds the two to the same verdicts.
 */
export function parseScoreRequestFast(payload: Buffer, maxBytes: number): ScoreRequest | null {
  if (payload.length > maxBytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { v, id, ts, sender, type, requestId, replyTo, rows } = value as Record<string, unknown>;
  if (v !== PROTOCOL_VERSION.wire || type !== 'score' || !isString(id, 1, 128) || typeof ts !== 'string' || !TIMESTAMP.test(ts)) return null;
  if (typeof sender !== 'object' || sender === null || Array.isArray(sender)) return null;
  const { role, id: senderId } = sender as Record<string, unknown>;
  if (typeof role !== 'string' || !SENDER_ROLES.has(role) || !isId(senderId)) return null;
  if (requestId !== undefined && !isString(requestId, 1, 128)) return null;
  if (replyTo !== undefined && !(isString(replyTo, 1, 256) && CONCRETE_TOPIC.test(replyTo))) return null;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > MAX_SCORE_ROWS || !rows.every(isScoreRow)) return null;
  return {
    v: PROTOCOL_VERSION.wire,
    id,
    ts,
    sender: { role: role as ScoreRequest['sender']['role'], id: senderId },
    type: 'score',
    ...(requestId === undefined ? {} : { requestId }),
    ...(replyTo === undefined ? {} : { replyTo }),
    rows,
  };
}
