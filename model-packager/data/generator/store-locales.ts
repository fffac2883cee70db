import { z } from 'zod';
import { idSchema } from '../../../protocols/ids.js';
import { holidayLocaleSchema, type HolidayLocale } from '../../../protocols/features/spec.js';

/**
 * Holiday locales the synthetic stores rotate through (date-holidays codes): German states
 * with different holidays (BY keeps Epiphany and Corpus Christi, BE does not), neighbours,
 * and US/GB stores whose calendars share almost nothing with continental Europe.
 */
export const generatorLocales: readonly HolidayLocale[] = [
  { country: 'DE', state: 'BY' },
  { country: 'DE', state: 'BE' },
  { country: 'FR' },
  { country: 'US', state: 'CA' },
  { country: 'NL' },
  { country: 'AT' },
  { country: 'GB', state: 'ENG' },
  { country: 'US', state: 'NY' },
  { country: 'ES', state: 'MD' },
  { country: 'IT' },
];

/**
 * `<out>.stores.json`: which holiday calendar each store follows. The shape matches
 * `featureSpec.calendar.holidays` (defaultLocale + storeLocales) so training can copy it in.
 */
export const storeLocalesFileSchema = z.object({
  defaultLocale: holidayLocaleSchema,
  storeLocales: z.record(idSchema, holidayLocaleSchema),
});
export type StoreLocalesFile = z.infer<typeof storeLocalesFileSchema>;

/** Store id for a 0-based store number (S001…; sorts like the number up to 999 stores). */
export function storeId(index: number): string {
  return `S${String(index + 1).padStart(3, '0')}`;
}

/** Item id for a 0-based item number (I0001…). */
export function itemId(index: number): string {
  return `I${String(index + 1).padStart(4, '0')}`;
}

/** Locale of a 0-based store number. */
export function localeOfStore(index: number): HolidayLocale {
  return generatorLocales[index % generatorLocales.length];
}
