import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { MlpModel } from '../../models/trained-model.js';
import { Adam } from '../adam.js';
import { objectiveFunctions } from '../objectives.js';
import { createRandom, shuffleInPlace } from '../random.js';
import { computeStandardization, standardizeMatrix } from '../standardization.js';
import { checkFeatureNames, checkLabelledMatrix, parseParams, type LabelledMatrix } from '../training-input.js';
import { Network } from './network.js';
import { mlpParamsSchema, type MlpParamsInput } from './params.js';

/** Training input of `fitMlp`. */
export interface FitMlpOptions extends LabelledMatrix {
  nFeatures: number;
  featureNames: string[];
  params?: MlpParamsInput;
  /** Held-out rows for the per-epoch validation loss and early stopping. */
  validation?: LabelledMatrix;
  /** Called after every epoch with the objective's metric (RMSE or Poisson deviance). */
  onEpoch?: (epoch: number, trainLoss: number, validLoss: number | undefined) => void;
}

export interface FitMlpResult {
  model: MlpModel;
  history: Array<{ epoch: number; train: number; valid?: number }>;
  /** Epoch whose weights the model holds (lowest validation loss; the last epoch without validation). */
  bestEpoch: number;
}

/**
 * Dense ReLU MLP trained by mini-batch Adam (issue #3) on standardised, mean-imputed inputs.
 * Squared error learns the standardised target (`outputScale` = std, `outputOffset` = mean);
 * Poisson learns the log rate around `outputOffset` = log mean with the exp link.
 */
export function fitMlp(options: FitMlpOptions): FitMlpResult {
  const { nRows, nFeatures, y } = options;
  checkFeatureNames(options.featureNames, nFeatures);
  const params = parseParams(mlpParamsSchema, options.params);
  checkLabelledMatrix(options, nFeatures, params.objective, 'training');
  const validation = options.validation;
  if (validation) checkLabelledMatrix(validation, nFeatures, params.objective, 'validation');
  if (params.earlyStoppingRounds !== undefined && !validation) throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', 'earlyStoppingRounds needs a validation set');

  const stats = computeStandardization(options.X, nRows, nFeatures);
  const Z = standardizeMatrix(options.X, nRows, nFeatures, stats);
  const validZ = validation ? standardizeMatrix(validation.X, validation.nRows, nFeatures, stats) : undefined;
  const objective = objectiveFunctions(params.objective, { tweediePower: 1.5, maxDeltaStep: 0 });
  const { outputScale, outputOffset } = targetScaling(y, params.objective);

  const random = createRandom(params.seed);
  const network = new Network(nFeatures, params.hiddenLayers, random);
  const adam = new Adam(network.parameters.length, params.learningRate);
  const gradient = new Float64Array(network.parameters.length);
  const order = Uint32Array.from({ length: nRows }, (_, i) => i);
  const history: FitMlpResult['history'] = [];
  let best = { epoch: 0, loss: Infinity, parameters: network.parameters.slice() };
  for (let epoch = 0; epoch < params.epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (let start = 0; start < nRows; start += params.batchSize) {
      const end = Math.min(nRows, start + params.batchSize);
      gradient.fill(0);
      for (let k = start; k < end; k += 1) {
        const row = order[k];
        const raw = outputScale * network.forward(Z, row * nFeatures) + outputOffset;
        // d(loss)/d(network output): squared error on the standardised target, Poisson on the log rate.
        const outputGradient = params.objective === 'squared' ? (raw - y[row]) / outputScale : Math.exp(raw) - y[row];
        network.backward(outputGradient / (end - start), gradient);
      }
      if (params.l2 > 0) for (let i = 0; i < gradient.length; i += 1) if (network.isWeight(i)) gradient[i] += params.l2 * network.parameters[i];
      adam.step(network.parameters, gradient);
    }
    const train = objective.loss(y, rawScores(network, Z, nRows, nFeatures, outputScale, outputOffset));
    const valid = validation && validZ ? objective.loss(validation.y, rawScores(network, validZ, validation.nRows, nFeatures, outputScale, outputOffset)) : undefined;
    history.push(valid === undefined ? { epoch, train } : { epoch, train, valid });
    options.onEpoch?.(epoch, train, valid);
    const score = valid ?? train;
    if (valid === undefined || score < best.loss) best = { epoch, loss: valid === undefined ? train : score, parameters: network.parameters.slice() };
    if (params.earlyStoppingRounds !== undefined && epoch - best.epoch >= params.earlyStoppingRounds) break;
  }
  network.parameters.set(best.parameters);
  const model: MlpModel = {
    kind: 'mlp',
    objective: params.objective,
    link: objective.link,
    featureNames: [...options.featureNames],
    inputMean: stats.mean,
    inputStd: stats.std,
    inputImpute: stats.mean,
    outputScale,
    outputOffset,
    layers: network.shapes.map(({ inputs, outputs }, l) => {
      const start = network.offsets[l];
      const weights = Array.from({ length: outputs }, (_, o) => Array.from(network.parameters.subarray(start + o * inputs, start + (o + 1) * inputs)));
      const bias = Array.from(network.parameters.subarray(start + inputs * outputs, start + inputs * outputs + outputs));
      return { weights, bias, activation: l + 1 < network.shapes.length ? ('relu' as const) : ('identity' as const) };
    }),
  };
  return { model, history, bestEpoch: best.epoch };
}

/** Target scaling: standardised target for squared error, log-mean offset for Poisson. */
function targetScaling(y: Float64Array, objective: 'squared' | 'poisson'): { outputScale: number; outputOffset: number } {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < y.length; i += 1) {
    sum += y[i];
    sumSquares += y[i] * y[i];
  }
  const mean = sum / y.length;
  if (objective === 'poisson') return { outputScale: 1, outputOffset: Math.log(Math.max(mean, 1e-12)) };
  const variance = sumSquares / y.length - mean * mean;
  return { outputScale: variance > 1e-24 ? Math.sqrt(variance) : 1, outputOffset: mean };
}

function rawScores(network: Network, Z: Float64Array, nRows: number, nFeatures: number, outputScale: number, outputOffset: number): Float64Array {
  const raw = new Float64Array(nRows);
  for (let r = 0; r < nRows; r += 1) raw[r] = outputScale * network.forward(Z, r * nFeatures) + outputOffset;
  return raw;
}
