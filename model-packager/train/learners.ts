import { z } from 'zod';
import type { Objective, TrainedModel } from '../models/trained-model.js';
import { fitGbdt } from '../learners/gbdt/fit-gbdt.js';
import { fitLinear } from '../learners/linear/fit-linear.js';
import { fitMlp } from '../learners/mlp/fit-mlp.js';
import type { LabelledMatrix } from '../learners/training-input.js';

/** Learners `fleetcast train --model` can pick; `auto` lets tuning choose among those available. */
export const modelChoiceSchema = z.enum(['gbdt', 'mlp', 'linear', 'auto']);
export type ModelChoice = z.infer<typeof modelChoiceSchema>;

/** Learners implemented in this build, in the order `auto` tries them. */
export const availableLearners = ['gbdt', 'mlp', 'linear'] as const;
export type LearnerKind = (typeof availableLearners)[number];

/** One fit's result: the model and its per-iteration loss history. */
export interface LearnerFit {
  model: TrainedModel;
  history: { iteration: number; train: number; valid?: number }[];
  /** Best iteration on the validation set (the last one without). */
  bestIteration: number;
}

/** Inputs of one fit. `budget` is the learner's iteration count (GBDT rounds, MLP epochs, GLM iterations). */
export interface LearnerFitInput {
  train: LabelledMatrix;
  validation?: LabelledMatrix;
  featureNames: string[];
  objective: Objective;
  params: Record<string, number>;
  budget: number;
  /** Stop after this many rounds without validation improvement (needs `validation`). */
  earlyStoppingRounds?: number;
  /** Validation metric that picks the best iteration instead of the loss, where the learner supports it (GBDT). */
  stoppingMetric?: (y: Float64Array, predictions: Float64Array) => number;
  seed: number;
  onIteration?: (iteration: number, train: number, valid: number | undefined) => void;
}

/** A hyper-parameter drawn uniformly, on a log scale, or as an integer. */
interface ParamRange {
  min: number;
  max: number;
  scale: 'linear' | 'log' | 'int';
}

/** Search space and defaults of a learner (issue #3 tuning). */
export interface LearnerSpec {
  defaults: Record<string, number>;
  space: Record<string, ParamRange>;
  /** Largest iteration budget a tuned fit may use. */
  maxBudget: number;
  /** Objectives the learner implements. */
  objectives: readonly Objective[];
  fit(input: LearnerFitInput): Promise<LearnerFit>;
}

/**
 * GBDT: ranges around XGBoost's usual tuning grid for tabular demand data; `rounds` is the
 * budget successive halving grows.
 */
const gbdt: LearnerSpec = {
  defaults: { learningRate: 0.1, maxDepth: 6, minChildWeight: 1, subsample: 0.9, colsampleByTree: 0.9, lambda: 1 },
  space: {
    learningRate: { min: 0.03, max: 0.3, scale: 'log' },
    maxDepth: { min: 3, max: 8, scale: 'int' },
    minChildWeight: { min: 1, max: 50, scale: 'log' },
    subsample: { min: 0.6, max: 1, scale: 'linear' },
    colsampleByTree: { min: 0.5, max: 1, scale: 'linear' },
    lambda: { min: 0.1, max: 10, scale: 'log' },
  },
  maxBudget: 300,
  objectives: ['squared', 'poisson', 'tweedie', 'logistic'],
  async fit(input) {
    const result = await fitGbdt({
      ...input.train,
      nFeatures: input.featureNames.length,
      featureNames: input.featureNames,
      validation: input.validation,
      onIteration: input.onIteration,
      stoppingMetric: input.stoppingMetric,
      params: { ...input.params, objective: input.objective, rounds: input.budget, seed: input.seed, earlyStoppingRounds: input.earlyStoppingRounds },
    });
    return { model: result.model, history: result.history, bestIteration: result.bestIteration };
  },
};

/**
 * MLP: width and regularisation ranges for a few dozen features; the budget is epochs.
 * Squared error and Poisson only (what model-packager/learners/mlp implements).
 */
const mlp: LearnerSpec = {
  defaults: { learningRate: 0.003, l2: 0.0001, width: 32, batchSize: 64 },
  space: {
    learningRate: { min: 0.0005, max: 0.01, scale: 'log' },
    l2: { min: 0.00001, max: 0.01, scale: 'log' },
    width: { min: 8, max: 64, scale: 'int' },
    batchSize: { min: 32, max: 256, scale: 'int' },
  },
  maxBudget: 60,
  objectives: ['squared', 'poisson'],
  async fit(input) {
    const { width, ...params } = input.params;
    const result = fitMlp({
      ...input.train,
      nFeatures: input.featureNames.length,
      featureNames: input.featureNames,
      validation: input.validation,
      onEpoch: input.onIteration,
      params: { ...params, hiddenLayers: [Math.round(width), Math.max(1, Math.round(width / 2))], batchSize: Math.round(params.batchSize), objective: input.objective as 'squared' | 'poisson', epochs: input.budget, seed: input.seed, earlyStoppingRounds: input.earlyStoppingRounds },
    });
    return { model: result.model, history: result.history.map(({ epoch, ...losses }) => ({ iteration: epoch, ...losses })), bestIteration: result.bestEpoch };
  },
};

/**
 * Linear GLM: only the ridge penalty is tuned. Closed form for squared error (the budget is
 * then irrelevant); Adam iterations otherwise. It reports no per-iteration history, so
 * early stopping does not apply and the single entry is its final training loss.
 */
const linear: LearnerSpec = {
  defaults: { l2: 1 },
  space: { l2: { min: 0.001, max: 100, scale: 'log' } },
  maxBudget: 2_000,
  objectives: ['squared', 'poisson', 'tweedie', 'logistic'],
  async fit(input) {
    const result = fitLinear({ ...input.train, nFeatures: input.featureNames.length, featureNames: input.featureNames, params: { ...input.params, objective: input.objective, iterations: input.budget } });
    input.onIteration?.(result.iterations, result.trainLoss, undefined);
    return { model: result.model, history: [{ iteration: result.iterations, train: result.trainLoss }], bestIteration: input.budget - 1 };
  },
};

/** The learner implementations by kind. */
export const learners: Record<LearnerKind, LearnerSpec> = { gbdt, mlp, linear };

/** Draws one configuration from `space` with a seeded uniform source. */
export function sampleParams(spec: LearnerSpec, uniform: () => number): Record<string, number> {
  const params: Record<string, number> = {};
  for (const [name, range] of Object.entries(spec.space)) {
    const u = uniform();
    if (range.scale === 'log') params[name] = Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min)));
    else if (range.scale === 'int') params[name] = Math.min(range.max, Math.floor(range.min + u * (range.max - range.min + 1)));
    else params[name] = range.min + u * (range.max - range.min);
  }
  return params;
}
