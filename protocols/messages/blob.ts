import { z } from 'zod';
import { envelopeFields, sha256Schema } from '../envelope.js';
import { errorReplySchema } from './error-reply.js';

/**
 * Largest chunk in one `blob/res`. Chunks travel base64-encoded in JSON, which grows them by
 * 4/3: 72 KiB of bundle becomes 96 KiB of text, so a chunk plus its envelope stays under AWS
 * IoT Core's 128 KB message limit (DESIGN "MQTT contract": ≤ 96 KiB on the wire).
 */
export const BLOB_MAX_CHUNK_BYTES = 72 * 1024;

/** Ask for `length` bytes of the bundle `sha256` from `offset` (resumable transfers). */
export const blobRequestSchema = z.object({
  ...envelopeFields,
  type: z.literal('blob-request'),
  transferId: z.string().min(1).max(128),
  sha256: sha256Schema,
  offset: z.number().int().nonnegative(),
  length: z.number().int().positive().max(BLOB_MAX_CHUNK_BYTES),
});
export type BlobRequest = z.infer<typeof blobRequestSchema>;

/** Payloads of `fc/v1/d/{deviceId}/blob/req`. */
export const blobRequestMessageSchema = z.discriminatedUnion('type', [blobRequestSchema]);

/** One chunk; `chunkSha256` lets the agent discard a corrupted chunk and ask again. */
export const blobChunkSchema = z.object({
  ...envelopeFields,
  type: z.literal('blob-chunk'),
  transferId: z.string().min(1).max(128),
  sha256: sha256Schema,
  offset: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  data: z.string().max(Math.ceil(BLOB_MAX_CHUNK_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  chunkSha256: sha256Schema,
});
export type BlobChunk = z.infer<typeof blobChunkSchema>;

/** Payloads of `fc/v1/d/{deviceId}/blob/res`: a chunk, or a coded error (unknown blob, busy). */
export const blobResponseMessageSchema = z.discriminatedUnion('type', [blobChunkSchema, errorReplySchema]);
export type BlobResponseMessage = z.infer<typeof blobResponseMessageSchema>;
