/** The feature spec and its one executor, shared by training and the edge agent (issue #3). */
export * from './spec.js';
export { featureNames, lookbackDays, MAX_LOOKBACK_DAYS, weatherFeatureNames } from './feature-names.js';
export { buildFeatureMatrix, type FeatureMatrix, type FeatureRequest } from './build-features.js';
export { SalesHistory, type HistoryActual, type SeriesView } from './sales-history.js';
export { deriveFeatureSpec, deriveSpecOptionsSchema, type DeriveSpecOptions } from './derive-spec.js';
export { toEpochDay, fromEpochDay } from './epoch-day.js';
export { holidayDay, type HolidayDay } from './holiday-calendar.js';
