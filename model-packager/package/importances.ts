import type { TrainedModel } from '../models/trained-model.js';

/** Per-feature importance as the reference profile records it. */
export interface Importance {
  gain: number | null;
  splits: number | null;
  weight: number | null;
}

/**
 * Feature importances from the model itself: split counts for GBDT (the flat tree format
 * carries no gain, so gain is null), |coefficient| on standardised inputs for linear models,
 * Σ|first-layer weight| per input for MLPs.
 */
export function featureImportances(model: TrainedModel): Importance[] {
  const f = model.featureNames.length;
  if (model.kind === 'gbdt') {
    const splits = new Array<number>(f).fill(0);
    for (const tree of model.trees) for (const feature of tree.feature) if (feature >= 0) splits[feature] += 1;
    return splits.map((count) => ({ gain: null, splits: count, weight: null }));
  }
  if (model.kind === 'linear') return model.coefficients.map((c) => ({ gain: null, splits: null, weight: Math.abs(c) }));
  const first = model.layers[0].weights;
  return Array.from({ length: f }, (_, i) => ({ gain: null, splits: null, weight: first.reduce((sum, row) => sum + Math.abs(row[i]), 0) }));
}
