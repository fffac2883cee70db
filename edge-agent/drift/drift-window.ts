import { binIndex } from '../../protocols/drift/binning.js';
import { populationStabilityIndex } from '../../protocols/drift/psi.js';
import type { ReferenceProfile } from '../../protocols/drift/reference-profile.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { OutboxEntry } from '../storage/outbox.js';

/** Most features a drift record may carry (protocol limit). */
const MAX_FEATURES = 512;

interface FeatureCounts {
  name: string;
  edges: readonly number[];
  reference: readonly number[];
  counts: number[];
  missing: number;
}

/**
 * Served feature and prediction distributions of one window, binned on the bundle's reference
 * profile (`reference.json`) and compared with protocols/drift PSI when the window closes
 * (issue #5 "drift windows"). Only counts are kept, so memory does not grow with traffic.
 */
export class DriftWindow {
  private readonly model: ModelRef;
  private readonly features: FeatureCounts[];
  private readonly predictionEdges: readonly number[];
  private readonly predictionReference: readonly number[];
  private predictionCounts: number[];
  private windowStart = new Date();
  private n = 0;

  constructor(model: ModelRef, reference: ReferenceProfile, featureNames: readonly string[]) {
    this.model = model;
    const byName = new Map(reference.features.map((feature) => [feature.name, feature]));
    this.features = featureNames.slice(0, MAX_FEATURES).map((name) => {
      const profile = byName.get(name);
      const edges = profile?.distribution.histogram.edges ?? [];
      return { name, edges, reference: profile?.distribution.histogram.counts ?? [0], counts: new Array<number>(edges.length + 1).fill(0), missing: 0 };
    });
    this.predictionEdges = reference.prediction.histogram.edges;
    this.predictionReference = reference.prediction.histogram.counts;
    this.predictionCounts = new Array<number>(this.predictionEdges.length + 1).fill(0);
  }

  /** Adds the feature rows of a request (`rows × features`, row-major) before they go to the scorer. */
  observeFeatures(matrix: Float32Array, rows: number): void {
    const width = this.features.length;
    const stride = matrix.length / rows;
    for (let row = 0; row < rows; row += 1) {
      for (let f = 0; f < width; f += 1) {
        const value = matrix[row * stride + f];
        const feature = this.features[f];
        if (Number.isNaN(value)) feature.missing += 1;
        else feature.counts[binIndex(feature.edges, value)] += 1;
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
    const record: OutboxEntry | null =
      this.n === 0
        ? null
        : {
            kind: 'drift',
            ts: now.toISOString(),
            model: this.model,
            windowStart: this.windowStart.toISOString(),
            windowEnd: now.toISOString(),
            n: this.n,
            features: this.features.map((feature) => ({
              name: feature.name,
              psi: feature.reference.length === feature.counts.length ? populationStabilityIndex(feature.reference, feature.counts) : 0,
              missingShare: feature.missing / this.n,
              counts: feature.counts.slice(0, 256),
            })),
            prediction: {
              psi: this.predictionReference.length === this.predictionCounts.length ? populationStabilityIndex(this.predictionReference, this.predictionCounts) : 0,
              counts: this.predictionCounts.slice(0, 256),
            },
          };
    this.windowStart = now;
    this.n = 0;
    for (const feature of this.features) {
      feature.counts = feature.counts.map(() => 0);
      feature.missing = 0;
    }
    this.predictionCounts = this.predictionCounts.map(() => 0);
    return record;
  }
}
