import { z } from 'zod';

/** Weekdays as `Intl.DateTimeFormat({ weekday: 'short' })` names them in `en-US`, lowercased. */
export const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekdaySchema>;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00..23:59');

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * A store's opening hours in its own time zone (issue #13, maintenance windows): rollouts update
 * a store only while it is closed. Each entry opens and closes on the same local day; a store
 * open past midnight lists two entries (e.g. `fri 18:00-23:59` and `sat 00:00-02:00`).
 */
export const openingHoursSchema = z
  .array(
    z.object({
      days: z.array(weekdaySchema).min(1).max(7),
      open: clockTime,
      close: clockTime,
    }).refine((entry) => minutesOf(entry.close) > minutesOf(entry.open), 'close must be after open on the same day'),
  )
  .max(14);
export type OpeningHours = z.infer<typeof openingHoursSchema>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** Local weekday and minute of the day of `at` in `timeZone` (ICU through Intl; no tz library). */
export function localTime(at: Date, timeZone: string): { day: Weekday; minute: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return { day: weekdaySchema.parse(part('weekday').toLowerCase()), minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Whether the store is open at `at` (a store with no hours is never open, so it is always in its window). */
export function isStoreOpen(hours: OpeningHours, timeZone: string, at: Date): boolean {
  if (hours.length === 0) return false;
  const local = localTime(at, timeZone);
  return hours.some((entry) => entry.days.includes(local.day) && local.minute >= minutesOf(entry.open) && local.minute < minutesOf(entry.close));
}
