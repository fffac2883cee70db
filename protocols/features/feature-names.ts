import { FleetcastError } from '../errors/fleetcast-error.js';
import type { FeatureSpec } from './spec.js';

/** Column name of each weather field (snake case like every other feature name). */
export const weatherFeatureNames = { tempC: 'temp_c', precipMm: 'precip_mm' } as const;

/**
 * Feature names in the order of the matrix columns — which is the ONNX input order recorded
 * in the bundle manifest, so it must depend on the spec alone (issue #3). Order: lags (spec
 * order), rolling stats (spec order), calendar, holidays, price, promo, weather, store, item.
 */
export function featureNames(spec: FeatureSpec): string[] {
  const names: string[] = [];
  for (const lag of spec.lags) names.push(`lag_${lag}`);
  for (const rolling of spec.rolling) for (const stat of rolling.stats) names.push(`rolling_${stat}_${rolling.window}`);
  if (spec.calendar.dayOfWeek) names.push('day_of_week');
  if (spec.calendar.dayOfMonth) names.push('day_of_month');
  if (spec.calendar.month) names.push('month');
  if (spec.calendar.weekOfYear) names.push('week_of_year');
  if (spec.calendar.holidays.enabled) names.push('is_holiday', 'days_to_holiday', 'days_after_holiday');
  if (spec.price.enabled) names.push('price', 'price_relative');
  if (spec.promo) names.push('promo');
  for (const field of spec.weather) names.push(weatherFeatureNames[field]);
  names.push('store', 'item');
  checkSpec(spec, names);
  return names;
}

/**
 * Semantic checks zod cannot express: a lag shorter than the horizon would read a target the
 * agent does not have yet at serving time (leakage in training), and duplicated lags/windows
 * would give two columns the same name.
 */
function checkSpec(spec: FeatureSpec, names: string[]): void {
  const shortLag = spec.lags.find((lag) => lag < spec.horizon);
  if (shortLag !== undefined) {
    throw new FleetcastError('FC_ERR_FEATURE_SPEC_INVALID', `lag ${shortLag} is shorter than horizon ${spec.horizon}`, { lag: shortLag, horizon: spec.horizon });
  }
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new FleetcastError('FC_ERR_FEATURE_SPEC_INVALID', `duplicate feature ${duplicate}`, { feature: duplicate });
}

/** Longest look-back (days before the forecast day) any feature of `spec` reads from history. */
export function lookbackDays(spec: FeatureSpec): number {
  const windows = [...spec.rolling.map((r) => r.window), spec.price.enabled ? spec.price.relativeWindow : 0];
  return Math.max(spec.horizon, ...spec.lags, ...windows.map((w) => spec.horizon + w - 1));
}

/**
 * The longest look-back any valid spec can have (spec.ts bounds: lags ≤ 730; horizon ≤ 365 plus
 * a window ≤ 365, less one): what the agent keeps in memory besides its retention (issue #9).
 */
export const MAX_LOOKBACK_DAYS = 730;
