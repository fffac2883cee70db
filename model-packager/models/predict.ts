import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { GbdtModel, LinearModel, Link, MlpModel, TrainedModel } from './trained-model.js';

/** A row-major feature matrix; NaN marks a missing value. */
export type FeatureMatrix = Float32Array | Float64Array;

/**
 * Raw scores (before the link) of every row, in process. This is the reference the ONNX
 * export and the on-device golden samples are checked against, so it follows the model
 * formats literally: `x <= threshold` goes left, NaN follows `missingGoesLeft`, MLP/linear
 * inputs are imputed (`inputImpute`, else `inputMean`) then standardised.
 */
export function predictRaw(model: TrainedModel, X: FeatureMatrix, nRows: number): Float64Array {
  const nFeatures = model.featureNames.length;
  if (!Number.isInteger(nRows) || nRows < 0 || X.length !== nRows * nFeatures) {
    throw new FleetcastError('FC_ERR_PREDICT_INVALID_INPUT', `${X.length} values for ${nRows} rows × ${nFeatures} features`);
  }
  switch (model.kind) {
    case 'gbdt':
      return predictGbdtRaw(model, X, nRows);
    case 'mlp':
      return predictMlpRaw(model, X, nRows);
    case 'linear':
      return predictLinearRaw(model, X, nRows);
  }
}

/** Predictions on the response scale: the model's link applied to `predictRaw`. */
export function predictModel(model: TrainedModel, X: FeatureMatrix, nRows: number): Float64Array {
  const raw = predictRaw(model, X, nRows);
  for (let i = 0; i < raw.length; i += 1) raw[i] = applyLink(model.link, raw[i]);
  return raw;
}

/** Raw score → prediction (identity, exp for Poisson/Tweedie, sigmoid for logistic). */
export function applyLink(link: Link, raw: number): number {
  switch (link) {
    case 'identity':
      return raw;
    case 'exp':
      return Math.exp(raw);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-raw));
  }
}

function predictGbdtRaw(model: GbdtModel, X: FeatureMatrix, nRows: number): Float64Array {
  const nFeatures = model.featureNames.length;
  const out = new Float64Array(nRows).fill(model.baseScore);
  for (const tree of model.trees) {
    for (let r = 0; r < nRows; r += 1) {
      const offset = r * nFeatures;
      let node = 0;
      while (tree.feature[node] >= 0) {
        const value = X[offset + tree.feature[node]];
        const goLeft = Number.isNaN(value) ? tree.missingGoesLeft[node] : value <= tree.threshold[node];
        node = goLeft ? tree.left[node] : tree.right[node];
      }
      out[r] += tree.value[node];
    }
  }
  return out;
}

/** Imputed, standardised copy of one row (the shared input step of MLP and linear models). */
function standardiseRow(model: MlpModel | LinearModel, X: FeatureMatrix, row: number, out: Float64Array): void {
  const nFeatures = model.featureNames.length;
  const impute = model.inputImpute ?? model.inputMean;
  for (let f = 0; f < nFeatures; f += 1) {
    const value = X[row * nFeatures + f];
    out[f] = ((Number.isNaN(value) ? impute[f] : value) - model.inputMean[f]) / model.inputStd[f];
  }
}

function predictLinearRaw(model: LinearModel, X: FeatureMatrix, nRows: number): Float64Array {
  const z = new Float64Array(model.featureNames.length);
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r += 1) {
    standardiseRow(model, X, r, z);
    let sum = model.intercept;
    for (let f = 0; f < z.length; f += 1) sum += model.coefficients[f] * z[f];
    out[r] = sum;
  }
  return out;
}

function predictMlpRaw(model: MlpModel, X: FeatureMatrix, nRows: number): Float64Array {
  const input = new Float64Array(model.featureNames.length);
  const out = new Float64Array(nRows);
  for (let r = 0; r < nRows; r += 1) {
    standardiseRow(model, X, r, input);
    let activations: Float64Array = input;
    for (const layer of model.layers) {
      const next = new Float64Array(layer.bias.length);
      for (let o = 0; o < next.length; o += 1) {
        const weights = layer.weights[o];
        let sum = layer.bias[o];
        for (let i = 0; i < activations.length; i += 1) sum += weights[i] * activations[i];
        next[o] = layer.activation === 'relu' && sum < 0 ? 0 : sum;
      }
      activations = next;
    }
    out[r] = model.outputScale * activations[0] + model.outputOffset;
  }
  return out;
}
