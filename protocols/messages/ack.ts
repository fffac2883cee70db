import { z } from 'zod';
import { envelopeFields } from '../envelope.js';
import { incarnationSchema, sequenceSchema } from './up.js';

/**
 * The controller has durably ingested `fromSeq..toSeq` of a device's outbox. Ingest is
 * idempotent by (device, incarnation, seq), so a re-sent batch is acked again and the agent
 * deletes it; the ack echoes the batch's incarnation so that a late ack meant for a device's
 * previous incarnation never deletes the records of the new one (issue #9).
 */
export const ackSchema = z.object({
  ...envelopeFields,
  type: z.literal('ack'),
  /** The `id` of the batch being acknowledged. */
  batchId: z.string().min(1).max(128),
  incarnation: incarnationSchema.optional(),
  fromSeq: sequenceSchema,
  toSeq: sequenceSchema,
});
export type Ack = z.infer<typeof ackSchema>;

/** Payloads of `fc/v1/d/{deviceId}/ack`. */
export const ackMessageSchema = z
  .discriminatedUnion('type', [ackSchema])
  .refine((ack) => ack.toSeq >= ack.fromSeq, { path: ['toSeq'], message: 'toSeq < fromSeq' });
export type AckMessage = z.infer<typeof ackMessageSchema>;
