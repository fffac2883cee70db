import { z } from 'zod';
import { idSchema } from './ids.js';
import { PROTOCOL_VERSION } from './version.js';

/** RFC 3339 timestamp with offset, as every `ts` field carries it. */
export const timestampSchema = z.string().datetime({ offset: true });

/** Who sent a message: the controller, a device agent, or a POS client on the store LAN. */
export const senderSchema = z.object({
  role: z.enum(['controller', 'device', 'pos']),
  id: idSchema,
});
export type Sender = z.infer<typeof senderSchema>;

/**
 * Fields every message carries (docs/protocol.md §Envelope). `v` is the wire major version;
 * within v1 changes are additive, so receivers ignore unknown fields (zod strips them).
 */
export const envelopeFields = {
  v: z.literal(PROTOCOL_VERSION.wire),
  id: z.string().min(1).max(128),
  ts: timestampSchema,
  sender: senderSchema,
};

/** Reference to one model version, as commands, states and responses name it. */
export const modelRefSchema = z.object({
  name: idSchema,
  version: z.number().int().positive(),
});
export type ModelRef = z.infer<typeof modelRefSchema>;

/** sha256 in lowercase hex. */
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** A finite number: NaN and ±Infinity cannot come from JSON but can from other encoders. */
export const finiteNumber = z.number().finite();
