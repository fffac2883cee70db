import { z } from 'zod';
import { FleetcastError } from '../errors/fleetcast-error.js';

/** Inclusive range of sales dates a component accepts, as ISO days (YYYY-MM-DD). */
export interface SalesDateBounds {
  /** Earliest accepted day. */
  min: string;
  /** Latest accepted day. */
  max: string;
}

/**
 * The default range (issue #9 finding 1): retail sales before 1990 or after 2100 are typos or
 * attacks — actuals dated 0050-01-01 once bricked an agent, and 0100 plus 9999 made a dense
 * history array allocate 1.16 GB. Every message and ingest path uses these bounds or narrower.
 */
export const DEFAULT_SALES_DATE_BOUNDS: Readonly<SalesDateBounds> = Object.freeze({ min: '1990-01-01', max: '2100-12-31' });

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a real calendar day in ISO form, NaN otherwise (2024-02-30 is NaN). */
export function calendarDayNumber(value: string): number {
  const match = ISO_DATE.exec(value);
  if (!match) return Number.NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const check = new Date(0);
  // setUTCFullYear keeps years 0–99 literal (Date.UTC would map them to 1900–1999).
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return Number.NaN;
  return check.getTime() / MS_PER_DAY;
}

/** Why `value` is not a sales date within `bounds`, or null when it is one. */
export function salesDateProblem(value: unknown, bounds: SalesDateBounds = DEFAULT_SALES_DATE_BOUNDS): 'not-a-date' | 'out-of-range' | null {
  if (typeof value !== 'string' || Number.isNaN(calendarDayNumber(value))) return 'not-a-date';
  // ISO days of four-digit years compare correctly as strings.
  return value < bounds.min || value > bounds.max ? 'out-of-range' : null;
}

/**
 * The one check of a sales date: returns its day number (days since 1970-01-01), or throws
 * FC_ERR_DATE_INVALID (not YYYY-MM-DD or not a real calendar day) or FC_ERR_DATE_OUT_OF_RANGE.
 */
export function salesDayNumber(value: unknown, bounds: SalesDateBounds = DEFAULT_SALES_DATE_BOUNDS): number {
  const problem = salesDateProblem(value, bounds);
  if (problem === 'not-a-date') throw new FleetcastError('FC_ERR_DATE_INVALID', JSON.stringify(value), { date: value });
  if (problem === 'out-of-range') throw new FleetcastError('FC_ERR_DATE_OUT_OF_RANGE', `${String(value)} outside ${bounds.min}..${bounds.max}`, { date: value, ...bounds });
  return calendarDayNumber(value as string);
}

/** True when `day` (days since 1970-01-01) lies within `bounds`. */
export function isSalesDay(day: number, bounds: SalesDateBounds = DEFAULT_SALES_DATE_BOUNDS): boolean {
  return Number.isInteger(day) && day >= calendarDayNumber(bounds.min) && day <= calendarDayNumber(bounds.max);
}

/**
 * Zod form of a sales date within `bounds`. An out-of-range day carries `params.fcCode` so that
 * `decodeMessage` answers FC_ERR_DATE_OUT_OF_RANGE rather than a generic schema error.
 */
export function salesDateSchemaWithin(bounds: SalesDateBounds): z.ZodEffects<z.ZodString, string, string> {
  return z.string().superRefine((value, ctx) => {
    const problem = salesDateProblem(value, bounds);
    if (problem === 'not-a-date') ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a real calendar date YYYY-MM-DD' });
    if (problem === 'out-of-range') ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must lie within ${bounds.min}..${bounds.max}`, params: { fcCode: 'FC_ERR_DATE_OUT_OF_RANGE' } });
  });
}

/** A sales date within the default bounds: the `date` of every message and canonical row. */
export const salesDateSchema = salesDateSchemaWithin(DEFAULT_SALES_DATE_BOUNDS);

/** Configurable bounds (agent config, ingest thresholds): both ends within the defaults, min ≤ max. */
export const salesDateBoundsSchema = z
  .object({ min: salesDateSchema.default(DEFAULT_SALES_DATE_BOUNDS.min), max: salesDateSchema.default(DEFAULT_SALES_DATE_BOUNDS.max) })
  .refine((bounds) => bounds.min <= bounds.max, { message: 'min must not be after max', path: ['max'] });
