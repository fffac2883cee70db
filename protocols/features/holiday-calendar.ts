import { createRequire } from 'node:module';
import type DateHolidays from 'date-holidays';
import type { HolidayLocale } from './spec.js';
import { calendarOf, toEpochDay } from './epoch-day.js';

/** Holiday facts of one day in one locale, before capping at the spec's window. */
export interface HolidayDay {
  isHoliday: boolean;
  /** Days until the next public holiday (0 on a holiday); Infinity when none is within a year. */
  daysTo: number;
  /** Days since the previous public holiday (0 on a holiday); Infinity when none is within a year. */
  daysAfter: number;
}

/** Per-year tables: index = day of year (0-based). */
interface YearTable {
  firstDay: number;
  isHoliday: Uint8Array;
  daysTo: Float64Array;
  daysAfter: Float64Array;
}

type Holidays = DateHolidays;
let holidaysClass: typeof DateHolidays | null = null;

/**
 * date-holidays, loaded on first use: its calendars take about 25 MB resident, which an agent
 * serving a model without holiday features never needs (issue #15 "Agent footprint").
 */
function newHolidays(locale?: HolidayLocale): Holidays {
  holidaysClass ??= createRequire(import.meta.url)('date-holidays') as typeof DateHolidays;
  return locale ? new holidaysClass(locale.country, locale.state ?? '', locale.region ?? '') : new holidaysClass();
}

const tables = new Map<string, YearTable>();
const calendars = new Map<string, Holidays>();

function localeKey(locale: HolidayLocale): string {
  return `${locale.country}/${locale.state ?? ''}/${locale.region ?? ''}`;
}

function calendarFor(locale: HolidayLocale): Holidays {
  const key = localeKey(locale);
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = newHolidays(locale);
    calendars.set(key, calendar);
  }
  return calendar;
}

/**
 * Whether date-holidays knows the locale. An unknown code would silently yield no holidays
 * at all, so specs are checked when they are derived (issue #3).
 */
export function isKnownLocale(locale: HolidayLocale): boolean {
  const registry = newHolidays();
  if (!(locale.country in (registry.getCountries() ?? {}))) return false;
  if (locale.state !== undefined && !(locale.state in (registry.getStates(locale.country) ?? {}))) return false;
  return locale.region === undefined || (locale.state !== undefined && locale.region in (registry.getRegions(locale.country, locale.state) ?? {}));
}

/**
 * Public holidays only: date-holidays also lists observances (Valentine's day, Advent
 * Sundays) and half-day bank holidays, which do not close stores or shift demand the same way.
 */
function publicHolidayDays(locale: HolidayLocale, year: number): number[] {
  return calendarFor(locale)
    .getHolidays(year)
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => toEpochDay(holiday.date.slice(0, 10)));
}

function buildYearTable(locale: HolidayLocale, year: number): YearTable {
  const firstDay = toEpochDay(`${String(year).padStart(4, '0')}-01-01`);
  const length = toEpochDay(`${String(year + 1).padStart(4, '0')}-01-01`) - firstDay;
  // Neighbouring years too, so distances across New Year are right.
  const holidays = [...new Set([year - 1, year, year + 1].flatMap((y) => publicHolidayDays(locale, y)))].sort((a, b) => a - b);
  const table: YearTable = { firstDay, isHoliday: new Uint8Array(length), daysTo: new Float64Array(length), daysAfter: new Float64Array(length) };
  let next = 0;
  for (let i = 0; i < length; i += 1) {
    const day = firstDay + i;
    while (next < holidays.length && holidays[next] < day) next += 1;
    const following = next < holidays.length ? holidays[next] : Infinity;
    const previous = next < holidays.length && holidays[next] === day ? day : next > 0 ? holidays[next - 1] : -Infinity;
    table.isHoliday[i] = following === day ? 1 : 0;
    table.daysTo[i] = following - day;
    table.daysAfter[i] = day - previous;
  }
  return table;
}

/**
 * Holiday facts for `epochDay` in `locale`. Tables are cached per (locale, year) because the
 * edge agent calls this for every score request (issue #3: features for one request in
 * well under 0.1 ms); date-holidays itself takes milliseconds per year.
 */
export function holidayDay(locale: HolidayLocale, epochDay: number): HolidayDay {
  const { year } = calendarOf(epochDay);
  const key = `${localeKey(locale)}:${year}`;
  let table = tables.get(key);
  if (!table) {
    table = buildYearTable(locale, year);
    tables.set(key, table);
  }
  const i = epochDay - table.firstDay;
  return { isHoliday: table.isHoliday[i] === 1, daysTo: table.daysTo[i], daysAfter: table.daysAfter[i] };
}
