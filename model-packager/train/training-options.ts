import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { holidayLocaleSchema } from '../../protocols/features/spec.js';
import { objectiveSchema } from '../models/trained-model.js';
import { trainingTargetSchema } from './dataset.js';
import { modelChoiceSchema } from './learners.js';

/** Options of one training run (`fleetcast train` flags map 1:1 onto these). */
export const trainingOptionsSchema = z.object({
  /** Learner; `auto` tunes over every available learner. */
  model: modelChoiceSchema.default('auto'),
  /** Loss; default for units: chosen from the data (`chooseObjective`, issue #10) and searched by tuning; logistic for a binary target. */
  objective: objectiveSchema.optional(),
  /** Predict units (regression) or `stockout` (binary, needs the stockout column). */
  target: trainingTargetSchema.default('units'),
  /** Random-search configurations; 1 = the learner's defaults only (no tuning). */
  trials: z.number().int().min(1).max(1_000).default(1),
  /** Tuning wall-clock budget in seconds (no new fit starts after it). */
  timeBudgetSeconds: z.number().positive().default(3_600),
  /** Days between the last known actual and the forecast day. */
  horizon: z.number().int().min(1).max(365).default(1),
  /** Most recent days held out for the final, reported evaluation. */
  holdoutDays: z.number().int().min(7).max(365).default(28),
  /** Rolling-origin cross-validation folds before the holdout. */
  folds: z.number().int().min(1).max(20).default(3),
  /** Days evaluated per fold. */
  foldDays: z.number().int().min(7).max(365).default(28),
  /** Holiday calendar of stores without their own entry (date-holidays codes). */
  locale: holidayLocaleSchema.default({ country: 'US' }),
  /** Per-store holiday calendars (e.g. from the `<csv>.stores.json` that `data generate` writes). */
  storeLocales: z.record(z.string(), holidayLocaleSchema).default({}),
  /** Seed of subsampling and random search. */
  seed: z.number().int().default(0),
  /** Training feature rows saved with the run for calibration and reference profiles. */
  sampleRows: z.number().int().min(1).max(100_000).default(5_000),
});
export type TrainingOptionsInput = z.input<typeof trainingOptionsSchema>;
export type TrainingOptions = z.output<typeof trainingOptionsSchema>;

/** Parses options from any source (CLI flags arrive as text-derived values); bad values → FC_ERR_TRAIN_INVALID_PARAMS. */
export function parseTrainingOptions(input: unknown): TrainingOptions {
  const parsed = trainingOptionsSchema.safeParse(input);
  if (!parsed.success) throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}
