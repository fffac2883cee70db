import type { LinearModel } from '../../models/trained-model.js';
import { Adam } from '../adam.js';
import { objectiveFunctions } from '../objectives.js';
import { computeStandardization, standardizeMatrix } from '../standardization.js';
import { checkFeatureNames, checkLabelledMatrix, parseParams, type LabelledMatrix } from '../training-input.js';
import { linearParamsSchema, type LinearParamsInput } from './params.js';
import { solveSymmetric } from './solve-symmetric.js';

/** Training input of `fitLinear`. */
export interface FitLinearOptions extends LabelledMatrix {
  nFeatures: number;
  featureNames: string[];
  params?: LinearParamsInput;
}

export interface FitLinearResult {
  model: LinearModel;
  /** Optimiser iterations used (0 for the closed-form squared-error fit). */
  iterations: number;
  /** Final mean training loss (the objective's metric, see ObjectiveFunctions.lossName). */
  trainLoss: number;
}

/**
 * Linear model on standardised, mean-imputed inputs (issue #3 baseline): ridge regression in
 * closed form for squared error; for Poisson, Tweedie and logistic a GLM fitted by
 * full-batch Adam on the deviance gradient (no IRLS, so no per-iteration linear solve).
 */
export function fitLinear(options: FitLinearOptions): FitLinearResult {
  const { nRows, nFeatures, y } = options;
  checkFeatureNames(options.featureNames, nFeatures);
  const params = parseParams(linearParamsSchema, options.params);
  checkLabelledMatrix(options, nFeatures, params.objective, 'training');
  const stats = computeStandardization(options.X, nRows, nFeatures);
  const Z = standardizeMatrix(options.X, nRows, nFeatures, stats);
  const objective = objectiveFunctions(params.objective, { tweediePower: params.tweediePower, maxDeltaStep: 0 });
  let coefficients: Float64Array;
  let intercept: number;
  let iterations = 0;
  if (params.objective === 'squared') {
    ({ coefficients, intercept } = ridge(Z, y, nRows, nFeatures, params.l2));
  } else {
    ({ coefficients, intercept, iterations } = gradientGlm(Z, y, nRows, nFeatures, objective, params));
  }
  const raw = linearScores(Z, nRows, nFeatures, coefficients, intercept);
  const model: LinearModel = {
    kind: 'linear',
    objective: params.objective,
    link: objective.link,
    featureNames: [...options.featureNames],
    inputMean: stats.mean,
    inputStd: stats.std,
    inputImpute: stats.mean,
    coefficients: Array.from(coefficients),
    intercept,
  };
  return { model, iterations, trainLoss: objective.loss(y, raw) };
}

/** Ridge normal equations on centred columns; the unpenalised intercept absorbs the means. */
function ridge(Z: Float64Array, y: Float64Array, nRows: number, nFeatures: number, l2: number): { coefficients: Float64Array; intercept: number } {
  const columnMean = new Float64Array(nFeatures);
  let yMean = 0;
  for (let r = 0; r < nRows; r += 1) {
    yMean += y[r];
    for (let f = 0; f < nFeatures; f += 1) columnMean[f] += Z[r * nFeatures + f];
  }
  yMean /= nRows;
  for (let f = 0; f < nFeatures; f += 1) columnMean[f] /= nRows;
  const gram = new Float64Array(nFeatures * nFeatures);
  const moment = new Float64Array(nFeatures);
  const centred = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r += 1) {
    for (let f = 0; f < nFeatures; f += 1) centred[f] = Z[r * nFeatures + f] - columnMean[f];
    const target = y[r] - yMean;
    for (let i = 0; i < nFeatures; i += 1) {
      moment[i] += centred[i] * target;
      for (let j = 0; j <= i; j += 1) gram[i * nFeatures + j] += centred[i] * centred[j];
    }
  }
  for (let i = 0; i < nFeatures; i += 1) {
    gram[i * nFeatures + i] += l2;
    for (let j = 0; j < i; j += 1) gram[j * nFeatures + i] = gram[i * nFeatures + j];
  }
  const coefficients = solveSymmetric(gram, moment, nFeatures);
  let intercept = yMean;
  for (let f = 0; f < nFeatures; f += 1) intercept -= coefficients[f] * columnMean[f];
  return { coefficients, intercept };
}

/** GLM by full-batch Adam; parameters are [β…, intercept], the intercept starting at the objective's base score. */
function gradientGlm(
  Z: Float64Array,
  y: Float64Array,
  nRows: number,
  nFeatures: number,
  objective: ReturnType<typeof objectiveFunctions>,
  params: { l2: number; iterations: number; learningRate: number; tolerance: number },
): { coefficients: Float64Array; intercept: number; iterations: number } {
  const theta = new Float64Array(nFeatures + 1);
  theta[nFeatures] = objective.baseScore(y);
  const gradient = new Float64Array(nFeatures + 1);
  const previous = new Float64Array(nFeatures + 1);
  const rowGrad = new Float32Array(nRows);
  const rowHess = new Float32Array(nRows);
  const adam = new Adam(nFeatures + 1, params.learningRate);
  let iteration = 0;
  while (iteration < params.iterations) {
    iteration += 1;
    const raw = linearScores(Z, nRows, nFeatures, theta.subarray(0, nFeatures), theta[nFeatures]);
    objective.gradients(y, raw, rowGrad, rowHess);
    gradient.fill(0);
    for (let r = 0; r < nRows; r += 1) {
      const g = rowGrad[r];
      for (let f = 0; f < nFeatures; f += 1) gradient[f] += g * Z[r * nFeatures + f];
      gradient[nFeatures] += g;
    }
    for (let f = 0; f <= nFeatures; f += 1) gradient[f] = (gradient[f] + (f < nFeatures ? params.l2 * theta[f] : 0)) / nRows;
    previous.set(theta);
    adam.step(theta, gradient);
    let largestMove = 0;
    for (let f = 0; f <= nFeatures; f += 1) largestMove = Math.max(largestMove, Math.abs(theta[f] - previous[f]));
    if (largestMove <= params.tolerance) break;
  }
  return { coefficients: theta.slice(0, nFeatures), intercept: theta[nFeatures], iterations: iteration };
}

/** Raw scores intercept + Z·β. */
function linearScores(Z: Float64Array, nRows: number, nFeatures: number, coefficients: Float64Array, intercept: number): Float64Array {
  const raw = new Float64Array(nRows);
  for (let r = 0; r < nRows; r += 1) {
    let sum = intercept;
    for (let f = 0; f < nFeatures; f += 1) sum += coefficients[f] * Z[r * nFeatures + f];
    raw[r] = sum;
  }
  return raw;
}
