import { FleetcastError } from '../errors/fleetcast-error.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 (UTC) for an ISO calendar date. Features index history by this
 * integer so that "t − k days" is plain subtraction, free of time zones and DST.
 * An impossible date (2024-02-30) is refused with FC_ERR_FEATURE_INVALID_DATE rather than
 * silently rolled over by `Date.UTC`.
 */
export function toEpochDay(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return ms / MS_PER_DAY;
  }
  throw new FleetcastError('FC_ERR_FEATURE_INVALID_DATE', isoDate, { date: isoDate });
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
