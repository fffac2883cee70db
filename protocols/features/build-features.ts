import { FleetcastError } from '../errors/fleetcast-error.js';
import { calendarOf, isoWeekOfYear, toEpochDay } from './epoch-day.js';
import { featureNames } from './feature-names.js';
import { holidayDay } from './holiday-calendar.js';
import type { SalesHistory, SeriesView } from './sales-history.js';
import type { FeatureSpec, HolidayLocale } from './spec.js';

/**
 * What is known about the day being forecast: the POS score row (protocols/messages/pos)
 * and the canonical sales row both fit this shape. Absent optional fields become NaN.
 */
export interface FeatureRequest {
  store: string;
  item: string;
  date: string;
  price?: number;
  promo?: boolean;
  tempC?: number;
  precipMm?: number;
}

/** Row-major float32 feature rows in `names` order (the model's input tensor). */
export interface FeatureMatrix {
  names: string[];
  matrix: Float32Array;
  nRows: number;
}

/** A spec prepared once for fast per-request use (vocabulary maps, names). */
interface CompiledSpec {
  names: string[];
  storeCodes: Map<string, number>;
  itemCodes: Map<string, number>;
}

const compiled = new WeakMap<FeatureSpec, CompiledSpec>();

function compile(spec: FeatureSpec): CompiledSpec {
  let result = compiled.get(spec);
  if (!result) {
    result = {
      names: featureNames(spec),
      storeCodes: new Map(spec.encodings.store.vocabulary.map((id, index) => [id, index])),
      itemCodes: new Map(spec.encodings.item.vocabulary.map((id, index) => [id, index])),
    };
    compiled.set(spec, result);
  }
  return result;
}

/**
 * The one feature executor (issue #3), run by training over the whole data set and by the
 * edge agent per score request. Leakage-free by construction: for forecast day t, history is
 * read only on days ≤ t − horizon (lags are ≥ horizon, rolling windows and the relative-price
 * window end at t − horizon). Missing history gives NaN: GBDT routes NaN by `missingGoesLeft`,
 * MLP/linear models impute it inside the model (`inputImpute`/`inputMean`, model-packager/models).
 * Unknown store/item → FC_ERR_UNKNOWN_STORE / FC_ERR_UNKNOWN_ITEM (the agent returns the code).
 */
export function buildFeatureMatrix(spec: FeatureSpec, history: SalesHistory, requests: readonly FeatureRequest[]): FeatureMatrix {
  const plan = compile(spec);
  const width = plan.names.length;
  const matrix = new Float32Array(requests.length * width);
  for (let r = 0; r < requests.length; r += 1) writeRow(spec, plan, history, requests[r], matrix, r * width);
  return { names: plan.names, matrix, nRows: requests.length };
}

function writeRow(spec: FeatureSpec, plan: CompiledSpec, history: SalesHistory, request: FeatureRequest, out: Float32Array, start: number): void {
  const storeCode = plan.storeCodes.get(request.store);
  if (storeCode === undefined) throw new FleetcastError('FC_ERR_UNKNOWN_STORE', request.store, { store: request.store });
  const itemCode = plan.itemCodes.get(request.item);
  if (itemCode === undefined) throw new FleetcastError('FC_ERR_UNKNOWN_ITEM', request.item, { item: request.item });
  const day = toEpochDay(request.date);
  const series = history.get(request.store, request.item);
  const lastKnown = day - spec.horizon;
  let c = start;
  for (const lag of spec.lags) out[c++] = valueAt(series?.units, series, day - lag);
  for (const rolling of spec.rolling) {
    const [mean, std] = windowStats(series?.units, series, lastKnown, rolling.window);
    for (const stat of rolling.stats) out[c++] = stat === 'mean' ? mean : std;
  }
  const calendar = spec.calendar;
  if (calendar.dayOfWeek || calendar.dayOfMonth || calendar.month) {
    const fields = calendarOf(day);
    if (calendar.dayOfWeek) out[c++] = fields.dayOfWeekIso - 1;
    if (calendar.dayOfMonth) out[c++] = fields.dayOfMonth;
    if (calendar.month) out[c++] = fields.month;
  }
  if (calendar.weekOfYear) out[c++] = isoWeekOfYear(day);
  if (calendar.holidays.enabled) {
    const locale: HolidayLocale = calendar.holidays.storeLocales[request.store] ?? calendar.holidays.defaultLocale;
    const facts = holidayDay(locale, day);
    out[c++] = facts.isHoliday ? 1 : 0;
    out[c++] = Math.min(facts.daysTo, calendar.holidays.window);
    out[c++] = Math.min(facts.daysAfter, calendar.holidays.window);
  }
  if (spec.price.enabled) {
    const price = request.price ?? Number.NaN;
    out[c++] = price;
    out[c++] = price / windowStats(series?.price, series, lastKnown, spec.price.relativeWindow)[0];
  }
  if (spec.promo) out[c++] = request.promo === undefined ? Number.NaN : request.promo ? 1 : 0;
  for (const field of spec.weather) out[c++] = request[field] ?? Number.NaN;
  out[c++] = storeCode;
  out[c] = itemCode;
}

function valueAt(values: Float64Array | undefined, series: SeriesView | undefined, day: number): number {
  if (!values || !series) return Number.NaN;
  const index = day - series.firstDay;
  return index >= 0 && index < series.length ? values[index] : Number.NaN;
}

/**
 * Mean and population standard deviation of the observed values on the `window` days ending
 * at `lastDay` (missing days are skipped; mean is NaN with no value, std with fewer than two).
 */
function windowStats(values: Float64Array | undefined, series: SeriesView | undefined, lastDay: number, window: number): [number, number] {
  if (!values || !series) return [Number.NaN, Number.NaN];
  const from = Math.max(0, lastDay - window + 1 - series.firstDay);
  const to = Math.min(series.length - 1, lastDay - series.firstDay);
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = from; i <= to; i += 1) {
    const value = values[i];
    if (Number.isNaN(value)) continue;
    n += 1;
    sum += value;
    sumSquares += value * value;
  }
  if (n === 0) return [Number.NaN, Number.NaN];
  const mean = sum / n;
  return [mean, n < 2 ? Number.NaN : Math.sqrt(Math.max(0, sumSquares / n - mean * mean))];
}
