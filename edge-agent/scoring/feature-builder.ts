import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { featureNames } from '../../protocols/features/feature-names.js';
import { historyCompleteness, type HistoryCompleteness } from '../../protocols/features/history-completeness.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { BundleManifest } from '../../protocols/bundle/manifest.js';
import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { ActualsStore } from '../storage/actuals-store.js';

/**
 * Feature rows for one model (issue #5 "Scoring"): the shared executor (protocols/features)
 * runs the bundle's feature spec over the agent's local history of actuals, so the POS sends
 * only store/item/date/price/promo/weather. Unknown store or item → FC_ERR_UNKNOWN_STORE /
 * FC_ERR_UNKNOWN_ITEM from the executor.
 */
export class FeatureBuilder {
  private readonly manifest: BundleManifest;
  private readonly actuals: ActualsStore;

  constructor(manifest: BundleManifest, actuals: ActualsStore) {
    this.manifest = manifest;
    this.actuals = actuals;
    // The executor's column order must be the model's input order; a bundle whose manifest
    // disagrees with its own spec would score garbage, so refuse it when it first serves.
    const expected = featureNames(manifest.featureSpec);
    const declared = manifest.input.features.map((feature) => feature.name);
    if (expected.length !== declared.length || expected.some((name, i) => name !== declared[i])) {
      throw new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', 'manifest input features differ from its feature spec', { expected, declared });
    }
  }

  /** Row-major float32 matrix, `rows.length × features`, in the model's input order. */
  build(rows: readonly ScoreRow[]): Float32Array {
    return buildFeatureMatrix(this.manifest.featureSpec, this.actuals.history, rows).matrix;
  }

  /** How complete the local history behind `rows`' lag and rolling features is (issue #10). */
  historyCompleteness(rows: readonly ScoreRow[]): HistoryCompleteness {
    return historyCompleteness(this.manifest.featureSpec, this.actuals.history, rows);
  }
}
