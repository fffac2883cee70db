import { z } from 'zod';
import { objectiveSchema } from '../../models/trained-model.js';

/**
 * Histogram GBDT hyper-parameters (issue #3). Names follow XGBoost where the meaning is the
 * same (eta → learningRate, gamma → minSplitGain, …) so that bench/train can pass identical
 * settings to both sides.
 */
export const gbdtParamsSchema = z.object({
  /** Loss: squared error, Poisson (log link), Tweedie (log link, `tweediePower`) or logistic (binary 0/1). */
  objective: objectiveSchema.default('squared'),
  /** Tweedie variance power p in (1, 2); only read for `objective: 'tweedie'`. */
  tweediePower: z.number().gt(1).lt(2).default(1.5),
  /** Boosting rounds (trees); early stopping may keep fewer. */
  rounds: z.number().int().min(1).max(100_000).default(100),
  /** Shrinkage applied to every leaf value (XGBoost `eta`); leaf values in the model already include it. */
  learningRate: z.number().gt(0).max(1).default(0.1),
  /** Maximum tree depth (root = depth 0). Trees grow level by level. Capped at 12 to bound histogram memory. */
  maxDepth: z.number().int().min(1).max(12).default(6),
  /** Maximum leaves per tree; 0 = only the depth limit applies. Within a level the best-gain splits win. */
  maxLeaves: z.number().int().min(0).default(0),
  /** Value bins per feature (quantile cuts); one more dedicated bin holds missing values. */
  maxBins: z.number().int().min(2).max(255).default(255),
  /** L2 regularisation on leaf values (XGBoost `lambda`). */
  lambda: z.number().min(0).default(1),
  /** Minimum hessian sum in each child (XGBoost `min_child_weight`). */
  minChildWeight: z.number().min(0).default(1),
  /** Minimum loss reduction for a split (XGBoost `gamma`). */
  minSplitGain: z.number().min(0).default(0),
  /**
   * If > 0, clips each raw leaf step to ±maxDeltaStep and, for Poisson, inflates the hessian like
   * XGBoost's `max_delta_step`. Default (issue #10): LOG_LINK_MAX_DELTA_STEP for the log-link
   * objectives (Poisson, Tweedie), whose Newton step −G/H is unbounded where predictions are
   * tiny and a large target arrives; 0 (no clamp) otherwise.
   */
  maxDeltaStep: z.number().min(0).optional(),
  /** Fraction of rows sampled (without replacement, per tree). */
  subsample: z.number().gt(0).max(1).default(1),
  /** Fraction of features sampled per tree. */
  colsampleByTree: z.number().gt(0).max(1).default(1),
  /** Stop when the validation loss has not improved for this many rounds (needs a validation set); the model keeps the best round. */
  earlyStoppingRounds: z.number().int().min(1).optional(),
  /** Seed for row and column subsampling. */
  seed: z.number().int().default(0),
});

/** XGBoost's safeguard for `count:poisson` (its `max_delta_step` default), applied to both log links. */
export const LOG_LINK_MAX_DELTA_STEP = 0.7;

/** The leaf-step clamp in effect: the explicit value, else LOG_LINK_MAX_DELTA_STEP for log links and 0 otherwise. */
export function effectiveMaxDeltaStep(params: { objective: string; maxDeltaStep?: number }): number {
  return params.maxDeltaStep ?? (params.objective === 'poisson' || params.objective === 'tweedie' ? LOG_LINK_MAX_DELTA_STEP : 0);
}

/** Parameters as callers write them (every field optional). */
export type GbdtParamsInput = z.input<typeof gbdtParamsSchema>;
/** Parameters after defaults, with the leaf-step clamp resolved (`effectiveMaxDeltaStep`). */
export type GbdtParams = z.output<typeof gbdtParamsSchema> & { maxDeltaStep: number };
