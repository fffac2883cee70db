import type { TrainedModel } from '../models/trained-model.js';

/** Per-feature importance as the reference profile records it. */
export interface Importance {
  gain: number | null;
  splits: number | null;
  weight: number | null;
}

/**
 * Feature importances from the model itself: for GBDT the total split gain per feature (issue
 * #12: what drift weighting uses; null for models trained before gain was recorded) and the
 * split count, |coefficient| on standardised inputs for linear models, Σ|first-layer weight|
 * per input for MLPs.
 */
export function featureImportances(model: TrainedModel): Importance[] {
  const f = model.featureNames.length;
  if (model.kind === 'gbdt') {
    const splits = new Array<number>(f).fill(0);
    const gains = new Array<number>(f).fill(0);
    const hasGain = model.trees.every((tree) => tree.gain !== undefined);
    for (const tree of model.trees) {
      tree.feature.forEach((feature, node) => {
        if (feature < 0) return;
        splits[feature] += 1;
        gains[feature] += Math.max(0, tree.gain?.[node] ?? 0);
      });
    }
    return splits.map((count, i) => ({ gain: hasGain ? gains[i] : null, splits: count, weight: null }));
  }
  if (model.kind === 'linear') return model.coefficients.map((c) => ({ gain: null, splits: null, weight: Math.abs(c) }));
  const first = model.layers[0].weights;
  return Array.from({ length: f }, (_, i) => ({ gain: null, splits: null, weight: first.reduce((sum, row) => sum + Math.abs(row[i]), 0) }));
}
