import { z } from 'zod';
import { idSchema } from '../ids.js';

/** Where a store's public holidays come from (date-holidays country/state/region codes). */
export const holidayLocaleSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/),
  state: z.string().min(1).max(10).optional(),
  region: z.string().min(1).max(10).optional(),
});
export type HolidayLocale = z.infer<typeof holidayLocaleSchema>;

/** Vocabulary of a categorical key learned at training time; the index is the encoded value. */
export const categoricalEncodingSchema = z.object({
  kind: z.literal('ordinal'),
  vocabulary: z.array(idSchema).min(1),
});

/**
 * How features are built from sales history (issue #3). Training and the edge agent run the
 * same executor (`protocols/features/`) on this spec, so serving cannot drift from training.
 * Leakage-free by construction: the row for day t uses the target only up to t − horizon.
 */
export const featureSpecSchema = z.object({
  version: z.literal(1),
  /** Days between the last known actual and the forecast day (1 = next day). */
  horizon: z.number().int().min(1).max(365),
  calendar: z.object({
    dayOfWeek: z.boolean(),
    dayOfMonth: z.boolean(),
    month: z.boolean(),
    weekOfYear: z.boolean(),
    /** Holiday flag and days to/after the nearest holiday, capped at `window`. */
    holidays: z.object({
      enabled: z.boolean(),
      window: z.number().int().min(1).max(366),
      defaultLocale: holidayLocaleSchema,
      /** Per-store locale where it differs from the default. */
      storeLocales: z.record(idSchema, holidayLocaleSchema),
    }),
  }),
  /** Target lags in days; each must be ≥ horizon. */
  lags: z.array(z.number().int().min(1).max(730)).max(32),
  /** Rolling statistics over the `window` days ending at t − horizon. */
  rolling: z.array(z.object({ window: z.number().int().min(2).max(365), stats: z.array(z.enum(['mean', 'std'])).min(1) })).max(16),
  price: z.object({
    enabled: z.boolean(),
    /** Days of history for "price relative to the item's recent average". */
    relativeWindow: z.number().int().min(1).max(365),
  }),
  promo: z.boolean(),
  weather: z.array(z.enum(['tempC', 'precipMm'])),
  encodings: z.object({ store: categoricalEncodingSchema, item: categoricalEncodingSchema }),
});
export type FeatureSpec = z.infer<typeof featureSpecSchema>;
