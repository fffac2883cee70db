import { z } from 'zod';

/** MLP hyper-parameters (issue #3). */
export const mlpParamsSchema = z.object({
  /** Squared error (identity link, standardised target) or Poisson (log link, offset log mean). */
  objective: z.enum(['squared', 'poisson']).default('squared'),
  /** Widths of the ReLU hidden layers, input side first. */
  hiddenLayers: z.array(z.number().int().min(1).max(1024)).min(1).max(8).default([32, 16]),
  /** Adam step size. */
  learningRate: z.number().gt(0).max(1).default(0.003),
  /** Rows per mini-batch. */
  batchSize: z.number().int().min(1).default(64),
  /** Passes over the training rows. */
  epochs: z.number().int().min(1).max(100_000).default(100),
  /** L2 weight decay added to the weight gradients (not the biases). */
  l2: z.number().min(0).default(0),
  /** Stop when the validation loss has not improved for this many epochs (needs a validation set); the best epoch's weights are kept. */
  earlyStoppingRounds: z.number().int().min(1).optional(),
  /** Seed for weight initialisation and batch shuffling. */
  seed: z.number().int().default(0),
});

/** Parameters as callers write them (every field optional). */
export type MlpParamsInput = z.input<typeof mlpParamsSchema>;
/** Parameters after defaults. */
export type MlpParams = z.output<typeof mlpParamsSchema>;
