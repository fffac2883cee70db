import { writeFile } from 'node:fs/promises';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { dayOfIsoDate, isoDateOf } from '../ingest/date-formats.js';
import { openHashedWriter } from '../ingest/hashed-writer.js';
import { drawItem, drawStore, type StoreProfile } from './chain-profile.js';
import { expectedDemand, NOISE_SIGMA } from './demand-model.js';
import type { Drift, DriftKind } from './drift-options.js';
import { parseGeneratorOptions, type GeneratorOptionsInput } from './generator-options.js';
import { publicHolidayDays } from './holiday-calendar.js';
import { deriveSeed, Prng } from './prng.js';
import { intermittentItem, intermittentLines, profileColumns, retailLines, type SalesDay } from './sales-lines.js';
import { generatorLocales, type StoreLocalesFile } from './store-locales.js';
import { WeatherModel, type Weather } from './weather.js';

/** Chance per store-item-day that a stock-out starts; it lasts 1–4 days. */
const STOCKOUT_START_CHANCE = 0.004;
/** During a stock-out only this share (uniform up to it) of demand is served. */
const STOCKOUT_MAX_SERVED = 0.3;
/** Chance per item-day of a permanent regular price change, and its range. */
const PRICE_CHANGE_CHANCE = 1 / 180;
const PRICE_CHANGE_MIN = 0.95;
const PRICE_CHANGE_MAX = 1.1;

/** Independent PRNG streams, so that e.g. a demand drift leaves weather and promotions unchanged. */
const STREAM = { profiles: 0, promotions: 1, prices: 2, demand: 3, lines: 4, weatherBase: 1000 } as const;

/** What `generateSalesData` wrote. */
export interface GeneratedSalesData {
  path: string;
  /** `<path>.stores.json` with the per-store holiday locales. */
  storesPath: string;
  rows: number;
  /** sha256 of the CSV bytes (equal for equal options and seed). */
  sha256: string;
  storeLocales: StoreLocalesFile;
  drifts: Drift[];
  driftFrom?: string;
}

/** Reports days written so far out of all days. */
export type DayProgress = (daysDone: number, totalDays: number) => void;

/**
 * Writes a synthetic retail chain in the canonical CSV (issue #3; formulas in docs/data.md),
 * day by day so memory stays flat: 50 stores × 50 items × 730 days is ~1.8M rows.
 */
export async function generateSalesData(input: GeneratorOptionsInput, onProgress?: DayProgress): Promise<GeneratedSalesData> {
  const options = parseGeneratorOptions(input);
  const startDay = dayOfIsoDate(options.start);
  const driftDay = options.driftFrom ? dayOfIsoDate(options.driftFrom) : Infinity;
  const magnitude = (kind: DriftKind): number | undefined => options.drifts.find((drift) => drift.kind === kind)?.magnitude;

  const profilePrng = new Prng(deriveSeed(options.seed, STREAM.profiles));
  const intermittent = options.profile === 'intermittent';
  const transactions = options.granularity === 'transactions';
  const items = Array.from({ length: options.items }, (_, index) => drawItem(profilePrng, index)).map((item) => (intermittent ? intermittentItem(item, profilePrng) : item));
  const newStores = Math.round(magnitude('new-store') ?? 0);
  const stores = Array.from({ length: options.stores + newStores }, (_, index) => drawStore(profilePrng, index, index < options.stores ? -Infinity : driftDay));
  const weather = stores.map((store, index) => new WeatherModel(store, new Prng(deriveSeed(options.seed, STREAM.weatherBase + index))));
  const brokenSensorStores = Math.ceil((magnitude('broken-sensor') ?? 0) * options.stores);
  const frozenReadings: (Weather | undefined)[] = stores.map(() => undefined);
  const holidays = holidayCalendars(stores, startDay, options.days);
  const holidayShift = Math.round(magnitude('holiday-moved') ?? 0);
  const demandLevel = magnitude('demand-level') ?? 1;
  const priceShift = magnitude('price-shift') ?? 1;

  const promotions = new Prng(deriveSeed(options.seed, STREAM.promotions));
  const prices = new Prng(deriveSeed(options.seed, STREAM.prices));
  const demand = new Prng(deriveSeed(options.seed, STREAM.demand));
  const lineSizes = new Prng(deriveSeed(options.seed, STREAM.lines));
  const priceLevel = new Float64Array(items.length).fill(1);
  const onPromo = new Uint8Array(items.length);
  const stockoutDaysLeft = new Int8Array(stores.length * items.length);

  const output = await openHashedWriter(options.out);
  const write = (text: string): Promise<void> => output.write(text);
  let sha256: string;
  let rows = 0;
  try {
    await write(`${profileColumns[options.profile].join(',')}\n`);
    for (let offset = 0; offset < options.days; offset += 1) {
      const day = startDay + offset;
      const date = isoDateOf(day);
      const drifted = day >= driftDay;
      if (offset % 7 === 0) for (let item = 0; item < items.length; item += 1) onPromo[item] = promotions.chance(items[item].promoRate) ? 1 : 0;
      for (let item = 0; item < items.length; item += 1) {
        if (prices.chance(PRICE_CHANGE_CHANCE)) priceLevel[item] *= prices.uniform(PRICE_CHANGE_MIN, PRICE_CHANGE_MAX);
      }
      const dayOfWeek = (day + 3) % 7; // 1970-01-01 was a Thursday; Monday = 0
      const dayOfYear = dayOfYearOf(day);
      const lines: string[] = [];
      for (let storeIndex = 0; storeIndex < stores.length; storeIndex += 1) {
        const store = stores[storeIndex];
        const actual = weather[storeIndex].next(dayOfYear);
        if (day < store.opensOn) continue;
        const reported = drifted && storeIndex < brokenSensorStores ? (frozenReadings[storeIndex] ??= { tempC: actual.tempC, precipMm: 0 }) : actual;
        const calendar = holidays.get(store.locale.country + (store.locale.state ?? '')) as Set<number>;
        const effectiveDay = drifted ? day - holidayShift : day;
        const holiday = calendar.has(effectiveDay);
        const holidayEve = calendar.has(effectiveDay + 1);
        for (let itemIndex = 0; itemIndex < items.length; itemIndex += 1) {
          const item = items[itemIndex];
          const promo = onPromo[itemIndex] === 1;
          const regular = item.referencePrice * store.priceIndex * priceLevel[itemIndex] * (drifted ? priceShift : 1);
          const price = Math.max(0.01, Math.round(regular * (promo ? 1 - item.promoDiscount : 1) * 100) / 100);
          const lambda = expectedDemand(store, item, {
            dayOfWeek,
            dayOfYear,
            yearsSinceStart: offset / 365.25,
            price,
            promo,
            holiday,
            holidayEve,
            tempC: actual.tempC,
            precipMm: actual.precipMm,
            level: drifted ? demandLevel : 1,
          });
          const noise = Math.exp(NOISE_SIGMA * demand.normal() - (NOISE_SIGMA * NOISE_SIGMA) / 2);
          const count = demand.poisson(lambda * noise);
          const salesDay: SalesDay = { date, store: store.id, item: item.id, price, promo, weather: reported, stockout: false };
          if (intermittent) {
            // The intermittent profile's count is order lines; their value in currency is written.
            lines.push(...intermittentLines(salesDay, count, transactions, lineSizes));
            continue;
          }
          let units = count;
          const slot = storeIndex * items.length + itemIndex;
          if (stockoutDaysLeft[slot] > 0) {
            stockoutDaysLeft[slot] -= 1;
            salesDay.stockout = true;
          } else if (demand.chance(STOCKOUT_START_CHANCE)) {
            stockoutDaysLeft[slot] = demand.integer(0, 3);
            salesDay.stockout = true;
          }
          if (salesDay.stockout) units = Math.floor(units * demand.uniform(0, STOCKOUT_MAX_SERVED));
          lines.push(...retailLines(salesDay, units, transactions, lineSizes));
        }
      }
      rows += lines.length;
      await write(lines.join(''));
      onProgress?.(offset + 1, options.days);
    }
    sha256 = await output.finish();
  } catch (error) {
    output.destroy();
    throw error instanceof FleetcastError ? error : new FleetcastError('FC_ERR_DATA_WRITE_FAILED', String(error), undefined, { cause: error });
  }
  const storeLocales: StoreLocalesFile = { defaultLocale: generatorLocales[0], storeLocales: Object.fromEntries(stores.map((store) => [store.id, store.locale])) };
  const storesPath = `${options.out}.stores.json`;
  await writeOrFail(storesPath, `${JSON.stringify(storeLocales, null, 2)}\n`);
  return { path: options.out, storesPath, rows, sha256, storeLocales, drifts: options.drifts, ...(options.driftFrom ? { driftFrom: options.driftFrom } : {}) };
}

/** Holiday sets per distinct locale, covering the generated years plus a margin for shifted holidays. */
function holidayCalendars(stores: StoreProfile[], startDay: number, days: number): Map<string, Set<number>> {
  const firstYear = Number(isoDateOf(startDay).slice(0, 4)) - 1;
  const lastYear = Number(isoDateOf(startDay + days).slice(0, 4)) + 1;
  const calendars = new Map<string, Set<number>>();
  for (const { locale } of stores) {
    const key = locale.country + (locale.state ?? '');
    if (!calendars.has(key)) calendars.set(key, publicHolidayDays(locale, firstYear, lastYear));
  }
  return calendars;
}

/** 0-based day of the year. */
function dayOfYearOf(day: number): number {
  const year = Number(isoDateOf(day).slice(0, 4));
  return day - Date.UTC(year, 0, 1) / 86_400_000;
}

async function writeOrFail(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new FleetcastError('FC_ERR_DATA_WRITE_FAILED', path, undefined, { cause: error });
  }
}
