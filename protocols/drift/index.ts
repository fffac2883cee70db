export { quantileOfSorted, sortedFinite } from './quantiles.js';
export { quantileBinEdges, binIndex, binCounts } from './binning.js';
export { populationStabilityIndex, PSI_EPSILON } from './psi.js';
export { referenceProfileSchema, featureProfileSchema, distributionSchema, histogramSchema, REFERENCE_FILE, PROFILE_QUANTILES, type ReferenceProfile, type FeatureProfile, type Distribution } from './reference-profile.js';
export { describeDistribution, DEFAULT_PROFILE_BINS } from './describe.js';
export { toShares, jensenShannonDistance, binnedKolmogorovSmirnov, binnedWasserstein, chiSquareQuantile, type Bounded } from './statistics.js';
export { driftLayout, slotCount, categorySlot, MAX_TRACKED_CATEGORIES, DRIFT_LAYOUT_VERSION, type FeatureLayout } from './layout.js';
export { driftThresholdsSchema, DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds, type DriftThresholdsInput } from './thresholds.js';
export { assessFeature, assessWindow, importanceWeights, psiNoise, DRIFT_STATISTICS, type DriftStatisticName, type StatisticResult, type FeatureAssessment, type WindowAssessment, type FeatureWindowCounts } from './assess.js';
