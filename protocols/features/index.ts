/** The feature spec and its one executor, shared by training and the edge agent (issue #3). */
export * from './spec.js';
export { featureNames, lookbackDays, MAX_LOOKBACK_DAYS, weatherFeatureNames } from './feature-names.js';
export { buildFeatureMatrix, type FeatureMatrix, type FeatureRequest } from './build-features.js';
export { historyCompleteness, historyCompletenessSchema, type HistoryCompleteness } from './history-completeness.js';
export { recentHistory, MAX_SEED_DAYS, MAX_SEED_ROWS, type RecentHistoryOptions } from './recent-history.js';
export { storeHistoryFileSchema, storeHistorySourceSchema, storeHistoryActuals, MAX_STORE_HISTORY_BYTES, type StoreHistoryFile, type StoreHistorySource } from './store-history-file.js';
export { SalesHistory, type HistoryActual, type SeriesView } from './sales-history.js';
export { deriveFeatureSpec, deriveSpecOptionsSchema, type DeriveSpecOptions } from './derive-spec.js';
export { toEpochDay, fromEpochDay } from './epoch-day.js';
export { holidayDay, type HolidayDay } from './holiday-calendar.js';
