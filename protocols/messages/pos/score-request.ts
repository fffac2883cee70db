import { z } from 'zod';
import { envelopeFields, finiteNumber } from '../../envelope.js';
import { salesDateSchema } from '../../data/sales-date.js';
import { idSchema } from '../../ids.js';

/** Most rows one score request may carry (batch requests). */
export const MAX_SCORE_ROWS = 1_000;

/**
 * What the POS knows about one (store, item, day) it wants a forecast for. Lags and rolling
 * statistics are NOT sent: the agent builds them from its local history of actuals with the
 * bundle's feature spec. Fields the agent config marks personal (e.g. `customerId`) are
 * accepted here but never stored or logged in clear.
 */
export const scoreRowSchema = z
  .object({
    store: idSchema,
    item: idSchema,
    date: salesDateSchema,
    price: finiteNumber.positive().optional(),
    promo: z.boolean().optional(),
    tempC: finiteNumber.min(-80).max(70).optional(),
    precipMm: finiteNumber.min(0).max(1_000).optional(),
    customerId: z.string().max(128).optional(),
  })
  .passthrough();
export type ScoreRow = z.infer<typeof scoreRowSchema>;

/**
 * A forecast request on `pos/v1/score/req`. MQTT 5 clients get the reply on their
 * `responseTopic` with the same `correlationData`; MQTT 3.1.1 clients name `replyTo` (or get
 * `pos/v1/score/res/{clientId}`) and match replies by `requestId`.
 */
export const scoreRequestSchema = z.object({
  ...envelopeFields,
  type: z.literal('score'),
  requestId: z.string().min(1).max(128).optional(),
  // eslint-disable-next-line no-control-regex -- wildcards and NUL cannot name a concrete reply topic
  replyTo: z.string().min(1).max(256).regex(/^[^+#\u0000]+$/, 'must be a concrete topic').optional(),
  rows: z.array(scoreRowSchema).min(1).max(MAX_SCORE_ROWS),
});
export type ScoreRequest = z.infer<typeof scoreRequestSchema>;

/** Payloads of `pos/v1/score/req`. */
export const scoreRequestMessageSchema = z.discriminatedUnion('type', [scoreRequestSchema]);
