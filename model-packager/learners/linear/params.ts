import { z } from 'zod';
import { objectiveSchema } from '../../models/trained-model.js';

/** Linear model (GLM) hyper-parameters (issue #3). */
export const linearParamsSchema = z.object({
  /** Loss and link: squared (identity, closed form), Poisson / Tweedie (log link) or logistic, fitted by full-batch Adam. */
  objective: objectiveSchema.default('squared'),
  /** Tweedie variance power p in (1, 2); only read for `objective: 'tweedie'`. */
  tweediePower: z.number().gt(1).lt(2).default(1.5),
  /** Ridge penalty λ in ½·Σ loss + ½·λ·‖β‖² on the standardised coefficients (the intercept is not penalised). */
  l2: z.number().min(0).default(0),
  /** Full-batch Adam iterations for the non-squared objectives. */
  iterations: z.number().int().min(1).max(1_000_000).default(2000),
  /** Adam step size for the non-squared objectives (inputs are standardised, so one value suits most data). */
  learningRate: z.number().gt(0).max(10).default(0.05),
  /** Stop iterating once no parameter moves by more than this in one step. */
  tolerance: z.number().min(0).default(1e-9),
});

/** Parameters as callers write them (every field optional). */
export type LinearParamsInput = z.input<typeof linearParamsSchema>;
