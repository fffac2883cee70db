import { assessWindow, importanceWeights } from '../../../protocols/drift/assess.js';
import type { FeatureLayout } from '../../../protocols/drift/layout.js';
import { populationStabilityIndex } from '../../../protocols/drift/psi.js';
import type { ReferenceProfile } from '../../../protocols/drift/reference-profile.js';
import { toShares } from '../../../protocols/drift/statistics.js';
import type { DriftThresholds } from '../../../protocols/drift/thresholds.js';
import type { MergedWindow } from './merge.js';
import type { DriftSeries, DriftWindowView } from './schema.js';

/** A merged window with every statistic recomputed from its counts (protocols/drift, as on the device). */
export function windowView(window: MergedWindow, layouts: readonly FeatureLayout[], profile: ReferenceProfile, thresholds: DriftThresholds): DriftWindowView {
  const assessment = assessWindow(layouts, window.features, window.n, thresholds);
  const reference = profile.prediction.histogram.counts;
  return {
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    devices: window.devices,
    n: window.n,
    driftShare: assessment.driftShare,
    drifted: assessment.drifted,
    features: assessment.features.map((feature, i) => ({ ...feature, counts: [...window.features[i].counts] })),
    prediction: { psi: reference.length === window.prediction.length ? populationStabilityIndex(reference, window.prediction) : 0, counts: window.prediction },
  };
}

/** The reference side of a series: slot layout, reference shares and importance weight per feature. */
export function referenceView(layouts: readonly FeatureLayout[], profile: ReferenceProfile): DriftSeries['reference'] {
  const { weights, weighted } = importanceWeights(layouts);
  return {
    features: layouts.map((layout, i) => ({ name: layout.name, kind: layout.kind, edges: [...layout.edges], labels: [...layout.labels], shares: [...layout.referenceShares], weight: weights[i] })),
    weighted,
    prediction: { edges: profile.prediction.histogram.edges, shares: toShares(profile.prediction.histogram.counts) },
  };
}
