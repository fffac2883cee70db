/**
 * Sales data for training (issue #3): `loadSalesData` reads, maps, aggregates and validates a
 * CSV; `generateSalesData` writes a synthetic chain with known ground truth.
 */
export { loadSalesData, inspectSalesData, loadSalesDataOptionsSchema, type LoadSalesDataOptions, type LoadedSalesData, type InspectedSalesData } from './load-sales-data.js';
export { validationReportSchema, type ValidationReport, type ExpectationResult } from './validation/report-schema.js';
export { thresholdsSchema, type Thresholds } from './validation/thresholds.js';
export { parseColumnMap, columnMapSchema, type ColumnMap } from './ingest/column-map.js';
export { granularitySchema, type Granularity } from './ingest/daily-table.js';
export { dateFormatSchema, type DateFormat } from './ingest/date-formats.js';
export { generateSalesData, type GeneratedSalesData } from './generator/generate-sales.js';
export { generatorOptionsSchema, type GeneratorOptionsInput } from './generator/generator-options.js';
export { driftKindSchema, type Drift, type DriftKind } from './generator/drift-options.js';
export { storeLocalesFileSchema, type StoreLocalesFile } from './generator/store-locales.js';
export { readStoreLocales } from './generator/read-store-locales.js';
