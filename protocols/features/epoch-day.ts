import { FleetcastError } from '../errors/fleetcast-error.js';
import { salesDateProblem, salesDayNumber } from '../data/sales-date.js';

const MS_PER_DAY = 86_400_000;

/**
 * Days since 1970-01-01 (UTC) for an ISO sales date. Features index history by this integer
 * so that "t − k days" is plain subtraction, free of time zones and DST. An impossible date
 * (2024-02-30) is refused with FC_ERR_FEATURE_INVALID_DATE rather than silently rolled over,
 * and a day outside the sales-date bounds with FC_ERR_DATE_OUT_OF_RANGE (issue #9 finding 1).
 */
export function toEpochDay(isoDate: string): number {
  if (salesDateProblem(isoDate) === 'not-a-date') throw new FleetcastError('FC_ERR_FEATURE_INVALID_DATE', isoDate, { date: isoDate });
  return salesDayNumber(isoDate);
}

/** The ISO date (YYYY-MM-DD) of an epoch day. */
export function fromEpochDay(epochDay: number): string {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

/** UTC calendar fields of an epoch day. */
export function calendarOf(epochDay: number): { year: number; month: number; dayOfMonth: number; dayOfWeekIso: number } {
  const date = new Date(epochDay * MS_PER_DAY);
  // 1970-01-01 was a Thursday (ISO weekday 4); ISO weekdays run Monday = 1 … Sunday = 7.
  const dayOfWeekIso = ((((epochDay + 3) % 7) + 7) % 7) + 1;
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, dayOfMonth: date.getUTCDate(), dayOfWeekIso };
}

/** ISO 8601 week number (1–53): the week holding the year's first Thursday is week 1. */
export function isoWeekOfYear(epochDay: number): number {
  const { dayOfWeekIso } = calendarOf(epochDay);
  const thursday = epochDay - dayOfWeekIso + 4;
  const thursdayYear = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const yearStart = Date.UTC(thursdayYear, 0, 1) / MS_PER_DAY;
  return Math.floor((thursday - yearStart) / 7) + 1;
}
