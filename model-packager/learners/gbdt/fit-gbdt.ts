import { availableParallelism } from 'node:os';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { GbdtModel } from '../../models/trained-model.js';
import { createRandom, shuffleInPlace } from '../random.js';
import { checkFeatureNames, checkLabelledMatrix, parseParams, type LabelledMatrix } from '../training-input.js';
import { binMatrix, binnedBytes, computeFeatureEdges } from './binning.js';
import { addBinnedTree, toTree, type GrownTree } from './grown-tree.js';
import { HistogramPool, kernelCount } from './histogram-pool.js';
import { createFitMemory, groupsPerWorker, planFitMemory } from './wasm/fit-memory.js';
import { objectiveFunctions } from '../objectives.js';
import { applyLink } from '../../models/predict.js';
import { effectiveMaxDeltaStep, gbdtParamsSchema, type GbdtParamsInput } from './params.js';
import { growTree } from './tree-grower.js';

/** Training input of `fitGbdt`. */
export interface FitGbdtOptions extends LabelledMatrix {
  nFeatures: number;
  featureNames: string[];
  params?: GbdtParamsInput;
  /** Held-out rows for the per-round validation loss and early stopping. */
  validation?: LabelledMatrix;
  /** Called after every round with the objective's metric (see `ObjectiveFunctions.lossName`). */
  onIteration?: (iteration: number, trainLoss: number, validLoss: number | undefined) => void;
  /**
   * Metric of the validation predictions (response scale, lower is better) that picks the best
   * round and drives early stopping instead of the objective's loss (issue #10: training picks
   * rounds by the WAPE it is judged by; the loss is still reported per round).
   */
  stoppingMetric?: (y: Float64Array, predictions: Float64Array) => number;
  /** Histogram worker threads; 0 builds histograms in the calling thread. Default: min(2, cores). */
  workers?: number;
}

/** One round of the loss history. */
export interface GbdtHistoryEntry {
  iteration: number;
  train: number;
  valid?: number;
}

export interface FitGbdtResult {
  model: GbdtModel;
  history: GbdtHistoryEntry[];
  /** Round with the lowest validation loss (the last round without validation). With early stopping the model ends there. */
  bestIteration: number;
}

/**
 * Histogram gradient boosting (issue #3): quantile-binned features, level-wise trees whose
 * histograms are built by worker threads over shared memory, Newton leaf values with L2,
 * row/column subsampling per tree and early stopping on a validation set.
 */
export async function fitGbdt(options: FitGbdtOptions): Promise<FitGbdtResult> {
  const { nRows, nFeatures, y } = options;
  checkFeatureNames(options.featureNames, nFeatures);
  const parsed = parseParams(gbdtParamsSchema, options.params);
  const params = { ...parsed, maxDeltaStep: effectiveMaxDeltaStep(parsed) };
  checkLabelledMatrix(options, nFeatures, params.objective, 'training');
  if (options.validation) checkLabelledMatrix(options.validation, nFeatures, params.objective, 'validation');
  if (params.earlyStoppingRounds !== undefined && !options.validation) {
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', 'earlyStoppingRounds needs a validation set');
  }
  const workers = options.workers ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(workers) || workers < 0) throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', `workers must be a non-negative integer, got ${workers}`);

  const edges = computeFeatureEdges(options.X, nRows, nFeatures, params.maxBins);
  const kernels = kernelCount(nFeatures, workers);
  const layout = planFitMemory(nRows, nFeatures, kernels, groupsPerWorker(nFeatures, kernels));
  const memory = createFitMemory(layout);
  const bins = new Uint8Array(memory.buffer, layout.bins, binnedBytes(nRows, nFeatures));
  binMatrix(options.X, nRows, nFeatures, edges, bins);
  const validation = options.validation;
  const validBins = validation ? new Uint8Array(binnedBytes(validation.nRows, nFeatures)) : undefined;
  if (validation && validBins) binMatrix(validation.X, validation.nRows, nFeatures, edges, validBins);

  const grad = new Float32Array(memory.buffer, layout.grad, nRows);
  const hess = new Float32Array(memory.buffer, layout.hess, nRows);
  const rows = new Uint32Array(memory.buffer, layout.rows, nRows);
  const objective = objectiveFunctions(params.objective, params);
  const baseScore = objective.baseScore(y);
  const raw = new Float64Array(nRows).fill(baseScore);
  const validRaw = validation ? new Float64Array(validation.nRows).fill(baseScore) : undefined;
  const validPredictions = validation && options.stoppingMetric ? new Float64Array(validation.nRows) : undefined;

  const pool = new HistogramPool(
    { memory, layout, nRows, nFeatures, binCounts: edges.map((e) => e.length), lambda: params.lambda, minChildWeight: params.minChildWeight },
    workers,
    2 ** (params.maxDepth - 1),
  );
  const random = createRandom(params.seed);
  const featureOrder = Uint32Array.from({ length: nFeatures }, (_, f) => f);
  const activeFeatures = new Uint8Array(nFeatures);
  const unsampled = new Uint32Array(params.subsample < 1 ? nRows : 0);
  // The root's partition starts from 0 … n−1 every round (the previous tree permuted it).
  const identityRows = params.subsample < 1 ? new Uint32Array(0) : Uint32Array.from({ length: nRows }, (_, r) => r);
  const trees: GrownTree[] = [];
  const history: GbdtHistoryEntry[] = [];
  let bestIteration = 0;
  let bestValid = Infinity;
  try {
    for (let iteration = 0; iteration < params.rounds; iteration += 1) {
      objective.gradients(y, raw, grad, hess);
      let sampleCount = nRows;
      let unsampledCount = 0;
      if (params.subsample < 1) {
        sampleCount = 0;
        for (let r = 0; r < nRows; r += 1) {
          if (random() < params.subsample) rows[sampleCount++] = r;
          else unsampled[unsampledCount++] = r;
        }
      } else {
        rows.set(identityRows);
      }
      chooseFeatures(activeFeatures, featureOrder, params.colsampleByTree, random);
      // Row order does not matter for the sums; ascending order keeps the reads sequential.
      let G = 0;
      let H = 0;
      for (let i = 0; i < sampleCount; i += 1) {
        const row = sampleCount === nRows ? i : rows[i];
        G += grad[row];
        H += hess[row];
      }
      const tree = await growTree(pool, params, sampleCount, params.subsample >= 1, activeFeatures, G, H);
      trees.push(tree);
      for (let node = 0; node < tree.feature.length; node += 1) {
        if (tree.feature[node] >= 0) continue;
        const value = tree.value[node];
        for (let i = tree.leafStart[node]; i < tree.leafEnd[node]; i += 1) raw[rows[i]] += value;
      }
      if (unsampledCount > 0) addBinnedTree(tree, bins, nRows, raw, unsampled.subarray(0, unsampledCount));
      const trainLoss = objective.loss(y, raw);
      let validLoss: number | undefined;
      if (validation && validBins && validRaw) {
        addBinnedTree(tree, validBins, validation.nRows, validRaw);
        validLoss = objective.loss(validation.y, validRaw);
        let stoppingValue = validLoss;
        if (options.stoppingMetric && validPredictions) {
          for (let i = 0; i < validRaw.length; i += 1) validPredictions[i] = applyLink(objective.link, validRaw[i]);
          stoppingValue = options.stoppingMetric(validation.y, validPredictions);
        }
        if (stoppingValue < bestValid) {
          bestValid = stoppingValue;
          bestIteration = iteration;
        }
      } else {
        bestIteration = iteration;
      }
      history.push(validLoss === undefined ? { iteration, train: trainLoss } : { iteration, train: trainLoss, valid: validLoss });
      options.onIteration?.(iteration, trainLoss, validLoss);
      if (params.earlyStoppingRounds !== undefined && iteration - bestIteration >= params.earlyStoppingRounds) break;
    }
  } finally {
    await pool.close();
  }
  const kept = params.earlyStoppingRounds !== undefined ? trees.slice(0, bestIteration + 1) : trees;
  const model: GbdtModel = {
    kind: 'gbdt',
    objective: params.objective,
    ...(params.objective === 'tweedie' ? { tweediePower: params.tweediePower } : {}),
    link: objective.link,
    baseScore,
    featureNames: [...options.featureNames],
    trees: kept.map((tree) => toTree(tree, edges)),
  };
  return { model, history, bestIteration };
}

/** Marks round(fraction · nFeatures) (at least one) randomly chosen features active for this tree. */
function chooseFeatures(active: Uint8Array, order: Uint32Array, fraction: number, random: () => number): void {
  if (fraction >= 1) {
    active.fill(1);
    return;
  }
  active.fill(0);
  shuffleInPlace(order, random);
  const count = Math.max(1, Math.round(fraction * order.length));
  for (let k = 0; k < count; k += 1) active[order[k]] = 1;
}
