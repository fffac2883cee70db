import { z } from 'zod';
import { idSchema } from '../ids.js';
import { salesDateSchema } from './sales-date.js';

/**
 * The canonical daily sales row every ingest path maps onto (issue #3): one (store, item,
 * date) with the units sold and what was known about that day. Optional columns are absent,
 * not zero, when a source lacks them.
 */
export const salesRowSchema = z.object({
  date: salesDateSchema,
  store: idSchema,
  item: idSchema,
  /** Units sold that day (the target). */
  units: z.number().finite().nonnegative(),
  price: z.number().finite().positive().optional(),
  promo: z.boolean().optional(),
  tempC: z.number().finite().optional(),
  precipMm: z.number().finite().nonnegative().optional(),
  /** True when the item was out of stock (units are censored). */
  stockout: z.boolean().optional(),
});
export type SalesRow = z.infer<typeof salesRowSchema>;

/** Column names of the canonical CSV, in the order `data generate` writes them. */
export const canonicalColumns = ['date', 'store', 'item', 'units', 'price', 'promo', 'tempC', 'precipMm', 'stockout'] as const;
export type CanonicalColumn = (typeof canonicalColumns)[number];
