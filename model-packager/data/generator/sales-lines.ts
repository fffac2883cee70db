import type { ItemProfile } from './chain-profile.js';
import type { GeneratorProfile } from './generator-options.js';
import type { Prng } from './prng.js';
import type { Weather } from './weather.js';

/**
 * Tail index α of the Pareto order quantity of the `intermittent` profile (issue #10):
 * P(qty ≥ q) = q^−α, so the variance is infinite below 2 — like the order lines of a real
 * office-supply order history, where a few lines are worth hundreds of ordinary ones.
 */
export const ORDER_QUANTITY_TAIL_INDEX = 1.7;
/** Largest quantity of one order line (bounds the tail so one line cannot dominate a file). */
export const MAX_ORDER_QUANTITY = 500;
/** Mean units of one basket when `retail` daily units are split into transactions (1 + geometric). */
const RETAIL_BASKET_MEAN = 2;

/** Columns written per profile: the intermittent profile has no weather or stock-out data, like an order history. */
export const profileColumns: Record<GeneratorProfile, readonly string[]> = {
  retail: ['date', 'store', 'item', 'units', 'price', 'promo', 'tempC', 'precipMm', 'stockout'],
  intermittent: ['date', 'store', 'item', 'units', 'price', 'promo'],
};

/**
 * Intermittent items: expected order lines per day log-uniform in [0.1, 0.7] (so 50–90 %
 * of a series' days have none; about 70 % overall) and a unit price log-uniform in [5, 300]
 * currency units. The other traits (seasonality, elasticity, promotions) stay the retail ones.
 */
export function intermittentItem(item: ItemProfile, prng: Prng): ItemProfile {
  return { ...item, base: prng.logUniform(0.1, 0.7), referencePrice: Math.round(prng.logUniform(5, 300) * 100) / 100 };
}

/** One store-item-day as the writers need it. */
export interface SalesDay {
  date: string;
  store: string;
  item: string;
  price: number;
  promo: boolean;
  weather: Weather;
  stockout: boolean;
}

/**
 * Retail rows: the day's `units` as one line, or split into baskets of 1 + geometric units
 * (mean RETAIL_BASKET_MEAN) drawn from `lines` — a stream of its own, so the transactions file
 * sums to exactly the daily file of the same seed. No line on a day without sales.
 */
export function retailLines(day: SalesDay, units: number, transactions: boolean, lines: Prng): string[] {
  const rest = `${day.price.toFixed(2)},${day.promo},${day.weather.tempC.toFixed(1)},${day.weather.precipMm.toFixed(1)},${day.stockout}\n`;
  if (!transactions) return [`${day.date},${day.store},${day.item},${units},${rest}`];
  const out: string[] = [];
  for (let left = units; left > 0; ) {
    let basket = 1;
    while (basket < left && lines.chance(1 - 1 / RETAIL_BASKET_MEAN)) basket += 1;
    out.push(`${day.date},${day.store},${day.item},${basket},${rest}`);
    left -= basket;
  }
  return out;
}

/**
 * Intermittent rows: `orders` order lines, each worth round2(qty × price) with a Pareto
 * quantity (tail index ORDER_QUANTITY_TAIL_INDEX, capped at MAX_ORDER_QUANTITY). Daily: one
 * row with the day's total in currency (0.00 on days without orders); transactions: one row
 * per order line and none on days without orders.
 */
export function intermittentLines(day: SalesDay, orders: number, transactions: boolean, quantities: Prng): string[] {
  const rest = `${day.price.toFixed(2)},${day.promo}\n`;
  const amounts: number[] = [];
  for (let k = 0; k < orders; k += 1) {
    const quantity = Math.min(MAX_ORDER_QUANTITY, Math.floor(Math.pow(1 - quantities.next(), -1 / ORDER_QUANTITY_TAIL_INDEX)));
    amounts.push(Math.round(quantity * day.price * 100) / 100);
  }
  if (transactions) return amounts.map((amount) => `${day.date},${day.store},${day.item},${amount.toFixed(2)},${rest}`);
  const total = amounts.reduce((sum, amount) => sum + amount, 0);
  return [`${day.date},${day.store},${day.item},${total.toFixed(2)},${rest}`];
}
