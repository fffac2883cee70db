import Holidays from 'date-holidays';
import type { HolidayLocale } from '../../../protocols/features/spec.js';
import { dayOfIsoDate } from '../ingest/date-formats.js';

/**
 * Public-holiday day numbers of a locale over a range of years, via date-holidays (the same
 * library the feature executor uses, so the generator's truth and the features agree).
 */
export function publicHolidayDays(locale: HolidayLocale, firstYear: number, lastYear: number): Set<number> {
  const calendar = new Holidays(locale.country, locale.state ?? '', locale.region ?? '');
  const days = new Set<number>();
  for (let year = firstYear; year <= lastYear; year += 1) {
    for (const holiday of calendar.getHolidays(year)) {
      if (holiday.type === 'public') days.add(dayOfIsoDate(holiday.date.slice(0, 10)));
    }
  }
  return days;
}
