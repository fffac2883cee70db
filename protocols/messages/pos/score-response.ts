import { z } from 'zod';
import { envelopeFields, finiteNumber, modelRefSchema } from '../../envelope.js';
import { salesDateSchema } from '../../data/sales-date.js';
import { idSchema } from '../../ids.js';
import { errorReplySchema } from '../error-reply.js';
import { historyCompletenessSchema } from '../../features/history-completeness.js';

/** The forecast for one requested row, in request order. */
export const predictionSchema = z.object({
  store: idSchema,
  item: idSchema,
  date: salesDateSchema,
  /** Forecast units (regression) or probability (binary models). */
  value: finiteNumber,
});
export type Prediction = z.infer<typeof predictionSchema>;

export const scoreResultSchema = z.object({
  ...envelopeFields,
  type: z.literal('score-result'),
  /** `requestId` of the request, or its `id` when it had none. */
  requestId: z.string().min(1).max(128),
  model: modelRefSchema,
  /** Graph that computed the forecasts: `int8`, or `fp32` (also when int8 fell back; issue #10). */
  precision: z.enum(['fp32', 'int8']).optional(),
  /** How complete the lag/rolling history behind these forecasts was (issue #10). */
  history: historyCompletenessSchema.optional(),
  predictions: z.array(predictionSchema).min(1),
});
export type ScoreResult = z.infer<typeof scoreResultSchema>;

/** Replies to a score request: the forecasts, or a coded error with the offending path. */
export const scoreResponseMessageSchema = z.discriminatedUnion('type', [scoreResultSchema, errorReplySchema]);
export type ScoreResponseMessage = z.infer<typeof scoreResponseMessageSchema>;
