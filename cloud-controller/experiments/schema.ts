import { z } from 'zod';
import { idSchema } from '../../protocols/ids.js';
import { modelRefSchema, timestampSchema } from '../../protocols/envelope.js';

const refSchema = z.union([z.string().min(1).max(64), z.number().int().positive()]);

/** `POST /v1/experiments`: champion and challenger as name + ref (version, stage or alias), one mode. */
export const createExperimentSchema = z
  .object({
    experimentId: idSchema.optional(),
    champion: z.object({ name: idSchema, ref: refSchema }),
    challenger: z.object({ name: idSchema, ref: refSchema }),
    selector: z.string().min(1).max(1000),
    /** Split: share of each region's stores (percent) that run the challenger. */
    split: z.number().min(1).max(99).optional(),
    /** Shadow: every target device also scores the challenger. */
    shadow: z.boolean().optional(),
    /** Share of POS requests shadow-scored (shadow mode). */
    sampleRate: z.number().min(0).max(1).default(1),
  })
  .refine((body) => (body.split !== undefined) !== (body.shadow === true), 'give exactly one of split or shadow');
export type CreateExperiment = z.infer<typeof createExperimentSchema>;

/** One experiment as stored. */
export const experimentSchema = z.object({
  experimentId: idSchema,
  mode: z.enum(['split', 'shadow']),
  champion: modelRefSchema,
  challenger: modelRefSchema,
  selector: z.string(),
  splitPercent: z.number().nullable(),
  sampleRate: z.number(),
  status: z.enum(['running', 'concluded']),
  createdAt: timestampSchema,
  createdBy: z.string(),
  concludedAt: timestampSchema.nullable(),
  winner: z.enum(['champion', 'challenger']).nullable(),
  /** Devices per arm (`shadow` for every device of a shadow experiment). */
  devices: z.record(z.string(), z.enum(['champion', 'challenger', 'shadow'])),
});
export type Experiment = z.infer<typeof experimentSchema>;

const seriesDaySchema = z.object({ day: z.string(), n: z.number(), meanDiff: z.number(), meanLossChampion: z.number(), meanLossChallenger: z.number(), stores: z.record(z.string(), z.number()) });

/** `experiment status`: the evidence so far and what it says. */
export const experimentStatusSchema = z.object({
  experiment: experimentSchema,
  series: z.array(seriesDaySchema),
  dieboldMariano: z.object({ days: z.number(), meanDifferential: z.number(), dm: z.number(), hln: z.number(), degreesOfFreedom: z.number(), pValue: z.number() }).nullable(),
  sequential: z.object({ days: z.number(), likelihoodRatio: z.number(), pValue: z.number(), rejected: z.boolean(), rejectedOnDay: z.number().nullable() }).nullable(),
  alpha: z.number(),
  verdict: z.enum(['challenger-better', 'champion-better', 'undecided']),
  /** Devices that reported any counters / all devices in the experiment. */
  reporting: z.object({ devices: z.number(), of: z.number() }),
});
export type ExperimentStatus = z.infer<typeof experimentStatusSchema>;

/** `experiment conclude`: the verdict applied in the registry. */
export const conclusionSchema = z.object({
  status: experimentStatusSchema,
  winner: modelRefSchema,
  archived: modelRefSchema.nullable(),
  alias: z.string(),
});
export type Conclusion = z.infer<typeof conclusionSchema>;
