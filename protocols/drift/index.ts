export { quantileOfSorted, sortedFinite } from './quantiles.js';
export { quantileBinEdges, binIndex, binCounts } from './binning.js';
export { populationStabilityIndex, PSI_EPSILON } from './psi.js';
export { referenceProfileSchema, featureProfileSchema, distributionSchema, histogramSchema, REFERENCE_FILE, PROFILE_QUANTILES, type ReferenceProfile, type FeatureProfile, type Distribution } from './reference-profile.js';
export { describeDistribution, DEFAULT_PROFILE_BINS } from './describe.js';
