import { z } from 'zod';

/**
 * Date formats the ingest recognises (issue #3). Datetimes keep the calendar date as written:
 * sales are store-local, so converting a timestamp to UTC would move late sales to the next day.
 */
export const dateFormatSchema = z.enum(['YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SS', 'YYYYMMDD', 'YYYY/MM/DD', 'DD/MM/YYYY', 'MM/DD/YYYY']);
export type DateFormat = z.infer<typeof dateFormatSchema>;

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a real calendar date, NaN otherwise (2023-02-30 is NaN). */
export function dayNumber(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1 || year > 9999) return Number.NaN;
  const check = new Date(0);
  // setUTCFullYear keeps years 1–99 literal (Date.UTC maps them to 1900–1999), so 0050-01-01
  // is a real day that the range expectation reports, not an unparseable one (issue #9).
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return Number.NaN;
  return check.getTime() / MS_PER_DAY;
}

/** ISO `YYYY-MM-DD` of a day number. */
export function isoDateOf(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day number of an ISO `YYYY-MM-DD` string (NaN when it is not one). */
export function dayOfIsoDate(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match ? dayNumber(Number(match[1]), Number(match[2]), Number(match[3])) : Number.NaN;
}

/** An optional time of day after a date ("14:05", "14:05:09.123Z", "14:05+02:00"). */
const TIME = '(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)';

const patterns: Record<DateFormat, { pattern: RegExp; order: [year: number, month: number, day: number] }> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: [1, 2, 3] },
  'YYYY-MM-DDTHH:MM:SS': { pattern: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${TIME}?$`), order: [1, 2, 3] },
  YYYYMMDD: { pattern: /^(\d{4})(\d{2})(\d{2})$/, order: [1, 2, 3] },
  'YYYY/MM/DD': { pattern: new RegExp(`^(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})${TIME}?$`), order: [1, 2, 3] },
  'DD/MM/YYYY': { pattern: new RegExp(`^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})${TIME}?$`), order: [3, 2, 1] },
  'MM/DD/YYYY': { pattern: new RegExp(`^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})${TIME}?$`), order: [3, 1, 2] },
};

/** Day number of `text` read in `format`, NaN when it does not fit. */
export function parseDate(text: string, format: DateFormat): number {
  const { pattern, order } = patterns[format];
  const match = pattern.exec(text.trim());
  if (!match) return Number.NaN;
  return dayNumber(Number(match[order[0]]), Number(match[order[1]]), Number(match[order[2]]));
}

/** The detected format and how it was chosen, reported in the validation statistics. */
export interface DateFormatDetection {
  format: DateFormat;
  /** Distinct date strings that parse in the chosen format. */
  parsed: number;
  distinct: number;
  /** True when day-first and month-first fit equally well and the span did not decide either. */
  ambiguous: boolean;
}

/**
 * Picks the format that parses most distinct date strings. DD/MM vs MM/DD is decided by
 * evidence: a day field > 12 rules the other out; when every value fits both, the reading
 * whose dates span fewer days wins, because daily sales are dense in time while the wrong
 * reading scatters consecutive days months apart. Returns undefined when nothing parses.
 */
export function detectDateFormat(distinctValues: readonly string[]): DateFormatDetection | undefined {
  const candidates = dateFormatSchema.options.map((format) => {
    let parsed = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const value of distinctValues) {
      const day = parseDate(value, format);
      if (Number.isNaN(day)) continue;
      parsed += 1;
      if (day < min) min = day;
      if (day > max) max = day;
    }
    return { format, parsed, span: max - min };
  });
  // Stable sort keeps the declaration order (day-first before month-first) on a full tie.
  const ranked = candidates.filter((candidate) => candidate.parsed > 0).sort((a, b) => b.parsed - a.parsed || a.span - b.span);
  const best = ranked[0];
  if (!best) return undefined;
  const dayMonthSwap = ranked.find((candidate) => candidate !== best && candidate.parsed === best.parsed && candidate.span === best.span);
  const ambiguous =
    dayMonthSwap !== undefined &&
    best.format === 'DD/MM/YYYY' &&
    dayMonthSwap.format === 'MM/DD/YYYY' &&
    distinctValues.some((value) => {
      const dayFirst = parseDate(value, 'DD/MM/YYYY');
      const monthFirst = parseDate(value, 'MM/DD/YYYY');
      return !Number.isNaN(dayFirst) && !Number.isNaN(monthFirst) && dayFirst !== monthFirst;
    });
  return { format: best.format, parsed: best.parsed, distinct: distinctValues.length, ambiguous };
}
