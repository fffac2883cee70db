import { z } from 'zod';
import { FleetcastError } from '../errors/fleetcast-error.js';
import type { SalesRow } from '../data/sales-row.js';
import { featureNames } from './feature-names.js';
import { isKnownLocale } from './holiday-calendar.js';
import { featureSpecSchema, holidayLocaleSchema, type FeatureSpec } from './spec.js';

/** Options of `deriveFeatureSpec`; every field has a default suited to daily retail sales. */
export const deriveSpecOptionsSchema = z.object({
  /** Days between the last known actual and the forecast day. */
  horizon: z.number().int().min(1).max(365).default(1),
  /** Target lags; default: the horizon and the weekly lags 7, 14, 28 that are ≥ horizon. */
  lags: z.array(z.number().int().min(1).max(730)).optional(),
  /** Rolling windows (mean and std each); default 7 and 28 days. */
  rollingWindows: z.array(z.number().int().min(2).max(365)).default([7, 28]),
  /** Holiday calendar of stores without an entry in `storeLocales`. */
  defaultLocale: holidayLocaleSchema.default({ country: 'US' }),
  /** Per-store holiday calendar. */
  storeLocales: z.record(z.string(), holidayLocaleSchema).default({}),
  /** Cap of days to / after the nearest holiday. */
  holidayWindow: z.number().int().min(1).max(366).default(14),
  /** Days of price history for `price_relative`. */
  relativePriceWindow: z.number().int().min(1).max(365).default(28),
});
export type DeriveSpecOptions = z.input<typeof deriveSpecOptionsSchema>;

/**
 * A feature spec learned from training rows (issue #3): store/item vocabularies (sorted, so
 * the ordinal codes do not depend on row order), price/promo/weather features only for
 * columns the data has, calendar and holiday features always. Invalid options →
 * FC_ERR_FEATURE_SPEC_INVALID.
 */
export function deriveFeatureSpec(rows: readonly SalesRow[], options: DeriveSpecOptions = {}): FeatureSpec {
  const parsed = deriveSpecOptionsSchema.safeParse(options);
  if (!parsed.success) throw new FleetcastError('FC_ERR_FEATURE_SPEC_INVALID', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const o = parsed.data;
  const stores = new Set<string>();
  const items = new Set<string>();
  let hasPrice = false;
  let hasPromo = false;
  let hasTemp = false;
  let hasPrecip = false;
  for (const row of rows) {
    stores.add(row.store);
    items.add(row.item);
    hasPrice ||= row.price !== undefined;
    hasPromo ||= row.promo !== undefined;
    hasTemp ||= row.tempC !== undefined;
    hasPrecip ||= row.precipMm !== undefined;
  }
  if (stores.size === 0) throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', 'no rows to derive a feature spec from');
  for (const locale of [o.defaultLocale, ...Object.values(o.storeLocales)]) {
    if (!isKnownLocale(locale)) throw new FleetcastError('FC_ERR_FEATURE_SPEC_INVALID', `unknown holiday locale ${JSON.stringify(locale)}`, { locale });
  }
  const lags = o.lags ?? [...new Set([o.horizon, 7, 14, 28].filter((lag) => lag >= o.horizon))];
  const spec: FeatureSpec = {
    version: 1,
    horizon: o.horizon,
    calendar: {
      dayOfWeek: true,
      dayOfMonth: true,
      month: true,
      weekOfYear: true,
      holidays: {
        enabled: true,
        window: o.holidayWindow,
        defaultLocale: o.defaultLocale,
        storeLocales: Object.fromEntries(Object.entries(o.storeLocales).filter(([store]) => stores.has(store))),
      },
    },
    lags,
    rolling: o.rollingWindows.map((window) => ({ window, stats: ['mean', 'std'] as ('mean' | 'std')[] })),
    price: { enabled: hasPrice, relativeWindow: o.relativePriceWindow },
    promo: hasPromo,
    weather: [...(hasTemp ? (['tempC'] as const) : []), ...(hasPrecip ? (['precipMm'] as const) : [])],
    encodings: {
      store: { kind: 'ordinal', vocabulary: [...stores].sort() },
      item: { kind: 'ordinal', vocabulary: [...items].sort() },
    },
  };
  const checked = featureSpecSchema.safeParse(spec);
  if (!checked.success) throw new FleetcastError('FC_ERR_FEATURE_SPEC_INVALID', checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  featureNames(checked.data);
  return checked.data;
}
