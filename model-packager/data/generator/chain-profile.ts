import type { HolidayLocale } from '../../../protocols/features/spec.js';
import type { Prng } from './prng.js';
import { itemId, localeOfStore, storeId } from './store-locales.js';

/** A store's fixed traits, drawn once per file. */
export interface StoreProfile {
  id: string;
  locale: HolidayLocale;
  /** Demand multiplier: log-normal(0, 0.35), a few big stores and many small ones. */
  size: number;
  /** Local price level ∈ [0.95, 1.05]. */
  priceIndex: number;
  /** Mean annual temperature and seasonal amplitude, °C. */
  climateMean: number;
  climateAmplitude: number;
  /** Probability of a rainy day and mean rain amount (mm). */
  rainChance: number;
  /** Day number the store opens (new-store drift), −Infinity for the original chain. */
  opensOn: number;
}

/** An item's fixed traits, drawn once per file. */
export interface ItemProfile {
  id: string;
  /** Mean daily units in an average store on an average day; 25 % of items are slow movers (< 0.6). */
  base: number;
  /** Reference price, log-uniform in [0.5, 20]. */
  referencePrice: number;
  /** Price elasticity ε ∈ [−2, −0.5]: demand ∝ (price / reference)^ε. */
  elasticity: number;
  /** Share of weeks on promotion ∈ [0.02, 0.15]; promo discount ∈ [0.1, 0.3]. */
  promoRate: number;
  promoDiscount: number;
  /** Day-of-week multipliers, Monday first (chain pattern with per-item wobble). */
  weekly: number[];
  /** Yearly seasonality amplitude ∈ [0, 0.4] and phase (day of year of the peak). */
  yearlyAmplitude: number;
  yearlyPeakDay: number;
  /** Trend per year ∈ [−0.05, 0.15]. */
  trendPerYear: number;
  /** Temperature response β ∈ [−0.15, 0.3] per 10 °C (soup vs. ice cream). */
  temperatureBeta: number;
}

/** Chain-wide weekly shape, Monday..Sunday: Saturday peak, quiet Sunday (shorter hours). */
const CHAIN_WEEKLY = [0.85, 0.9, 0.95, 1.0, 1.15, 1.35, 0.8];

/** Draws store `index`'s traits; `opensOn` is the day it opens (new-store drift) or −Infinity. */
export function drawStore(prng: Prng, index: number, opensOn: number): StoreProfile {
  return {
    id: storeId(index),
    locale: localeOfStore(index),
    size: Math.exp(0.35 * prng.normal()),
    priceIndex: prng.uniform(0.95, 1.05),
    climateMean: prng.uniform(5, 18),
    climateAmplitude: prng.uniform(6, 12),
    rainChance: prng.uniform(0.15, 0.45),
    opensOn,
  };
}

/** Draws item `index`'s traits (25 % slow movers with intermittent demand). */
export function drawItem(prng: Prng, index: number): ItemProfile {
  const slow = prng.chance(0.25);
  return {
    id: itemId(index),
    base: slow ? prng.logUniform(0.05, 0.6) : prng.logUniform(1, 40),
    referencePrice: Math.round(prng.logUniform(0.5, 20) * 100) / 100,
    elasticity: prng.uniform(-2, -0.5),
    promoRate: prng.uniform(0.02, 0.15),
    promoDiscount: prng.uniform(0.1, 0.3),
    weekly: CHAIN_WEEKLY.map((factor) => factor * prng.uniform(0.93, 1.07)),
    yearlyAmplitude: prng.uniform(0, 0.4),
    yearlyPeakDay: prng.integer(0, 364),
    trendPerYear: prng.uniform(-0.05, 0.15),
    temperatureBeta: prng.uniform(-0.15, 0.3),
  };
}
