import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { DEFAULT_SALES_DATE_BOUNDS, salesDateSchema } from '../../../protocols/data/sales-date.js';
import { dayOfIsoDate, isoDateOf } from '../ingest/date-formats.js';

/** Days after the validation date still accepted as a sales date (forecast files may run ahead). */
const FUTURE_DATE_ALLOWANCE_DAYS = 366;

/**
 * Tunable limits of the expectations (`--threshold name=value`, issue #3). Shares are
 * fractions in [0, 1]; dates are ISO days.
 */
export const thresholdsSchema = z.object({
  /** Largest null share of an optional column (price, promo, weather, stockout). */
  maxOptionalNullShare: z.number().min(0).max(1).default(0.05),
  /** Earliest accepted sales date (never before the protocol's bound, protocols/data/sales-date.ts). */
  minDate: salesDateSchema.default(DEFAULT_SALES_DATE_BOUNDS.min),
  /** Latest accepted sales date; defaults to one year after today, capped at the protocol's bound. */
  maxDate: salesDateSchema.default(() => {
    const yearAhead = isoDateOf(Math.floor(Date.now() / 86_400_000) + FUTURE_DATE_ALLOWANCE_DAYS);
    return yearAhead < DEFAULT_SALES_DATE_BOUNDS.max ? yearAhead : DEFAULT_SALES_DATE_BOUNDS.max;
  }),
  /** Plausible air temperature range in °C (a stuck or broken sensor reports outside it). */
  minTempC: z.number().default(-60),
  maxTempC: z.number().default(60),
  /** Largest share of days missing inside a series' first..last date range. */
  maxMissingDayShare: z.number().min(0).max(1).default(0),
  /** |robust z| above this marks a daily value as an anomaly (z = 0.6745·(x − median)/MAD). */
  robustZ: z.number().positive().default(5),
  /** Largest share of anomalous daily values before the anomaly expectation fails. */
  maxAnomalyShare: z.number().min(0).max(1).default(0.01),
  /** Largest share of zero-unit days across all series. */
  maxZeroShare: z.number().min(0).max(1).default(0.8),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Parses `name=value` pairs (value: number or ISO date) into validated thresholds. */
export function parseThresholds(pairs: readonly string[]): Thresholds {
  const overrides: Record<string, number | string> = {};
  const known = Object.keys(thresholdsSchema.shape);
  for (const pair of pairs.flatMap((text) => text.split(','))) {
    const [name, value, ...rest] = pair.split('=').map((part) => part.trim());
    if (!name || value === undefined || rest.length > 0 || !known.includes(name)) {
      throw new FleetcastError('FC_ERR_DATA_THRESHOLD_INVALID', pair, { known });
    }
    overrides[name] = Number.isNaN(dayOfIsoDate(value)) && value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return resolveThresholds(overrides);
}

/** Applies defaults and checks ranges; a bad value becomes FC_ERR_DATA_THRESHOLD_INVALID. */
export function resolveThresholds(overrides: unknown = {}): Thresholds {
  const parsed = thresholdsSchema.safeParse(overrides);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new FleetcastError('FC_ERR_DATA_THRESHOLD_INVALID', issues.join('; '), { issues });
  }
  return parsed.data;
}
