import { z } from 'zod';
import type { Objective, TrainedModel } from '../models/trained-model.js';
import { fitGbdt } from '../learners/gbdt/fit-gbdt.js';
import type { LabelledMatrix } from '../learners/training-input.js';

/** Learners `fleetcast train --model` can pick; `auto` lets tuning choose among those available. */
export const modelChoiceSchema = z.enum(['gbdt', 'mlp', 'linear', 'auto']);
export type ModelChoice = z.infer<typeof modelChoiceSchema>;

/** Learners implemented in this build (the MLP and linear learners land in model-packager/learners/). */
export const availableLearners = ['gbdt'] as const;
export type LearnerKind = (typeof availableLearners)[number];

/** One fit's result: the model and its per-iteration loss history. */
export interface LearnerFit {
  model: TrainedModel;
  history: { iteration: number; train: number; valid?: number }[];
  /** Best iteration on the validation set (the last one without). */
  bestIteration: number;
}

/** Inputs of one fit. `budget` is the learner's iteration count (GBDT rounds). */
export interface LearnerFitInput {
  train: LabelledMatrix;
  validation?: LabelledMatrix;
  featureNames: string[];
  objective: Objective;
  params: Record<string, number>;
  budget: number;
  /** Stop after this many rounds without validation improvement (needs `validation`). */
  earlyStoppingRounds?: number;
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
  /** Largest iteration budget (rounds) a tuned fit may use. */
  maxBudget: number;
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
  async fit(input) {
    const result = await fitGbdt({
      ...input.train,
      nFeatures: input.featureNames.length,
      featureNames: input.featureNames,
      validation: input.validation,
      onIteration: input.onIteration,
      params: { ...input.params, objective: input.objective, rounds: input.budget, seed: input.seed, earlyStoppingRounds: input.earlyStoppingRounds },
    });
    return { model: result.model, history: result.history, bestIteration: result.bestIteration };
  },
};

/** The learner implementations by kind. */
export const learners: Record<LearnerKind, LearnerSpec> = { gbdt };

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
