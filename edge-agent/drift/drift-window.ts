import { binIndex } from '../../protocols/drift/binning.js';
import { assessWindow } from '../../protocols/drift/assess.js';
import { categorySlot, driftLayout, slotCount, DRIFT_LAYOUT_VERSION, type FeatureLayout } from '../../protocols/drift/layout.js';
import { populationStabilityIndex } from '../../protocols/drift/psi.js';
import type { ReferenceProfile } from '../../protocols/drift/reference-profile.js';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../protocols/drift/thresholds.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { OutboxEntry } from '../storage/outbox.js';
import { roundForWire } from './wire-rounding.js';

/** Most features a drift record may carry (protocol limit). */
const MAX_FEATURES = 512;

interface FeatureCounts {
  layout: FeatureLayout;
  /** Categorical: ordinal code → tracked slot; codes with a reference share > 0. */
  codeSlots: Map<number, number>;
  seenCodes: Set<number>;
  counts: number[];
  missing: number;
}

function featureCounts(layout: FeatureLayout, reference: ReferenceProfile): FeatureCounts {
  const frequencies = reference.features.find((feature) => feature.name === layout.name)?.categoryFrequencies ?? {};
  const seen = Object.values(frequencies).flatMap((share, code) => (share > 0 ? [code] : []));
  return {
    layout,
    codeSlots: new Map(layout.codes.map((code, slot) => [code, slot])),
    seenCodes: new Set(seen),
    counts: new Array<number>(slotCount(layout)).fill(0),
    missing: 0,
  };
}

/**
 * Served feature and prediction distributions of one window, counted on the layout derived
 * from the bundle's reference profile (issue #5 "drift windows", issue #12 statistics). Only
 * counts are kept, so memory does not grow with traffic; the statistics and the drift decision
 * are computed when the window closes and the counts travel so the controller can merge them.
 */
export class DriftWindow {
  private readonly model: ModelRef;
  private readonly features: FeatureCounts[];
  private readonly thresholds: DriftThresholds;
  private readonly predictionEdges: readonly number[];
  private readonly predictionReference: readonly number[];
  private predictionCounts: number[];
  private windowStart = new Date();
  private n = 0;

  constructor(model: ModelRef, reference: ReferenceProfile, featureNames: readonly string[], thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS) {
    this.model = model;
    this.thresholds = thresholds;
    this.features = driftLayout(reference, featureNames.slice(0, MAX_FEATURES)).map((layout) => featureCounts(layout, reference));
    this.predictionEdges = reference.prediction.histogram.edges;
    this.predictionReference = reference.prediction.histogram.counts;
    this.predictionCounts = new Array<number>(this.predictionEdges.length + 1).fill(0);
  }

  /** Adds the feature rows of a request (`rows × features`, row-major) before they go to the scorer. */
  observeFeatures(matrix: Float32Array, rows: number): void {
    const width = this.features.length;
    const stride = matrix.length / rows;
    for (let f = 0; f < width; f += 1) {
      const feature = this.features[f];
      const categorical = feature.layout.kind === 'categorical';
      const tracked = feature.layout.codes.length;
      for (let row = 0; row < rows; row += 1) {
        const value = matrix[row * stride + f];
        if (Number.isNaN(value)) feature.missing += 1;
        else if (categorical) feature.counts[categorySlot(feature.codeSlots, feature.seenCodes, tracked, value)] += 1;
        else feature.counts[binIndex(feature.layout.edges, value)] += 1;
      }
    }
    this.n += rows;
  }

  /** Adds the predictions the scorer returned for those rows. */
  observePredictions(predictions: Float32Array): void {
    for (const value of predictions) if (Number.isFinite(value)) this.predictionCounts[binIndex(this.predictionEdges, value)] += 1;
  }

  /** Closes the window: the `drift` record for it (null when nothing was served) and a fresh start. */
  close(now: Date = new Date()): OutboxEntry | null {
    const record = this.n === 0 ? null : this.record(now);
    this.windowStart = now;
    this.n = 0;
    for (const feature of this.features) {
      feature.counts = feature.counts.map(() => 0);
      feature.missing = 0;
    }
    this.predictionCounts = this.predictionCounts.map(() => 0);
    return record;
  }

  private record(now: Date): OutboxEntry {
    const assessment = assessWindow(this.features.map((feature) => feature.layout), this.features, this.n, this.thresholds);
    const predictionPsi = this.predictionReference.length === this.predictionCounts.length ? populationStabilityIndex(this.predictionReference, this.predictionCounts) : 0;
    return {
      kind: 'drift',
      ts: now.toISOString(),
      model: this.model,
      windowStart: this.windowStart.toISOString(),
      windowEnd: now.toISOString(),
      n: this.n,
      features: this.features.map((feature, i) => ({
        name: feature.layout.name,
        psi: roundForWire(assessment.features[i].statistics.psi?.value ?? 0),
        missingShare: roundForWire(feature.missing / this.n),
        counts: feature.counts.slice(0, 256),
        missing: feature.missing,
      })),
      prediction: { psi: roundForWire(predictionPsi), counts: this.predictionCounts.slice(0, 256) },
      layout: DRIFT_LAYOUT_VERSION,
      driftShare: roundForWire(assessment.driftShare),
      drifted: assessment.features.flatMap((feature, i) => (feature.drifted ? [i] : [])),
    };
  }
}
