import type { ItemProfile, StoreProfile } from './chain-profile.js';

/** Holiday effects: most shops close or trade little on public holidays, people stock up the day before. */
export const HOLIDAY_FACTOR = 0.2;
export const HOLIDAY_EVE_FACTOR = 1.3;
/** Extra lift of a promotion beyond its price cut (display, flyers). */
export const PROMO_DISPLAY_LIFT = 1.3;
/** Rain above this (mm) keeps shoppers at home: demand × RAIN_FACTOR. */
export const HEAVY_RAIN_MM = 5;
export const RAIN_FACTOR = 0.85;
/** σ of the multiplicative log-normal day noise (mean-one). */
export const NOISE_SIGMA = 0.15;

/** Everything about one store-item-day that moves expected demand. */
export interface DemandDay {
  dayOfWeek: number;
  dayOfYear: number;
  yearsSinceStart: number;
  price: number;
  promo: boolean;
  holiday: boolean;
  holidayEve: boolean;
  /** True weather (what shoppers felt, even when the sensor is broken). */
  tempC: number;
  precipMm: number;
  /** Demand-level drift multiplier (1 without drift). */
  level: number;
}

/**
 * Expected units λ before noise (docs/data.md, "Ground truth"):
 * λ = base · size · weekly[dow] · (1 + A·cos(2π(doy − peak)/365.25)) · max(0.1, 1 + g·years)
 *     · (price / (refPrice · priceIndex))^ε · promoLift · holiday · exp(β·(temp − 15)/10) · rain · level
 */
export function expectedDemand(store: StoreProfile, item: ItemProfile, day: DemandDay): number {
  const weekly = item.weekly[day.dayOfWeek];
  const yearly = 1 + item.yearlyAmplitude * Math.cos((2 * Math.PI * (day.dayOfYear - item.yearlyPeakDay)) / 365.25);
  const trend = Math.max(0.1, 1 + item.trendPerYear * day.yearsSinceStart);
  const priceResponse = Math.pow(day.price / (item.referencePrice * store.priceIndex), item.elasticity);
  const promo = day.promo ? PROMO_DISPLAY_LIFT : 1;
  const holiday = day.holiday ? HOLIDAY_FACTOR : day.holidayEve ? HOLIDAY_EVE_FACTOR : 1;
  const weather = Math.exp((item.temperatureBeta * (day.tempC - 15)) / 10) * (day.precipMm > HEAVY_RAIN_MM ? RAIN_FACTOR : 1);
  return item.base * store.size * weekly * yearly * trend * priceResponse * promo * holiday * weather * day.level;
}
