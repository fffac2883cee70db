import { z } from 'zod';
import { dateFormatSchema } from '../ingest/date-formats.js';
import { granularitySchema } from '../ingest/daily-table.js';
import { thresholdsSchema } from './thresholds.js';

/** One offending value: where it is (1-based data row, or the series/day) and what it was. */
export const expectationSampleSchema = z.object({
  /** 1-based data row (the header is not counted), for row-level expectations. */
  row: z.number().int().positive().optional(),
  store: z.string().optional(),
  item: z.string().optional(),
  date: z.string().optional(),
  value: z.union([z.string(), z.number(), z.null()]).optional(),
});
export type ExpectationSample = z.infer<typeof expectationSampleSchema>;

/**
 * One expectation's outcome, after Great Expectations' validation result: how many elements
 * were checked, how many broke it, a sample of them, and whether failing it fails the run.
 */
export const expectationResultSchema = z.object({
  expectation: z.string(),
  column: z.string().optional(),
  /** A failed critical expectation makes the report unsuccessful (exit status 1). */
  critical: z.boolean(),
  success: z.boolean(),
  /** Elements checked (rows, daily keys, series days, or columns for the schema check). */
  elementCount: z.number().int().nonnegative(),
  unexpectedCount: z.number().int().nonnegative(),
  /** unexpectedCount / elementCount × 100 (0 when nothing was checked). */
  unexpectedPercent: z.number().nonnegative(),
  sample: z.array(expectationSampleSchema),
  /** The threshold the observed share or bound was compared with, when there is one. */
  threshold: z.union([z.number(), z.string()]).optional(),
  note: z.string().optional(),
});
export type ExpectationResult = z.infer<typeof expectationResultSchema>;

/** Size and shape of the data as read, and the expectation tally. */
export const validationStatisticsSchema = z.object({
  sourceRows: z.number().int().nonnegative(),
  dailyRows: z.number().int().nonnegative(),
  /** Daily rows that are zero-sales days filled in inside series' active ranges (transactions, issue #10). */
  zeroFilledDays: z.number().int().nonnegative().optional(),
  series: z.number().int().nonnegative(),
  stores: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  dateMin: z.string().optional(),
  dateMax: z.string().optional(),
  dateFormat: dateFormatSchema.optional(),
  dateFormatAmbiguous: z.boolean(),
  granularity: granularitySchema,
  /** Field delimiter found in the header line. */
  delimiter: z.enum([',', ';', '\t']),
  /** Canonical columns found in the file (after mapping) and the source header they came from. */
  columns: z.record(z.string(), z.string()),
  dataSha256: z.string(),
  evaluatedExpectations: z.number().int().nonnegative(),
  successfulExpectations: z.number().int().nonnegative(),
  unsuccessfulExpectations: z.number().int().nonnegative(),
  successPercent: z.number().nonnegative(),
});
export type ValidationStatistics = z.infer<typeof validationStatisticsSchema>;

/** The `data validate --json` document and `loadSalesData().report`. */
export const validationReportSchema = z.object({
  success: z.boolean(),
  statistics: validationStatisticsSchema,
  thresholds: thresholdsSchema,
  results: z.array(expectationResultSchema),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;
