import { z } from 'zod';
import { envelopeFields, finiteNumber } from '../../envelope.js';
import { salesDateSchema } from '../../data/sales-date.js';
import { idSchema } from '../../ids.js';

/** Units actually sold of an item in a store on a day (end-of-day or corrections). */
export const actualRowSchema = z.object({
  store: idSchema,
  item: idSchema,
  date: salesDateSchema,
  units: finiteNumber.nonnegative(),
  price: finiteNumber.positive().optional(),
  promo: z.boolean().optional(),
});
export type ActualRow = z.infer<typeof actualRowSchema>;

/** Sales actuals on `pos/v1/actuals`: feed lag features and accuracy counters. */
export const actualsSchema = z.object({
  ...envelopeFields,
  type: z.literal('actuals'),
  rows: z.array(actualRowSchema).min(1).max(10_000),
});
export type Actuals = z.infer<typeof actualsSchema>;

/** Payloads of `pos/v1/actuals`. */
export const actualsMessageSchema = z.discriminatedUnion('type', [actualsSchema]);
