import { z } from 'zod';
import { salesDateSchema } from '../../../protocols/data/sales-date.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { driftSchema } from './drift-options.js';

/**
 * Shape of the generated chain (issue #10). `retail`: unit counts of a grocery chain (docs/data.md
 * "Ground truth"). `intermittent`: what broke the default on a real order history — sales in
 * currency (order lines of heavy-tailed quantities × price), 60–80 % zero days, no weather or
 * stock-out columns.
 */
export const generatorProfileSchema = z.enum(['retail', 'intermittent']);
export type GeneratorProfile = z.infer<typeof generatorProfileSchema>;

/** `daily`: one row per (store, item, date); `transactions`: one row per basket or order line, none on days without sales. */
export const generatorGranularitySchema = z.enum(['daily', 'transactions']);

/** Options of `fleetcast data generate` / `generateSalesData`. */
export const generatorOptionsSchema = z
  .object({
    /** Stores in the chain (before any `new-store` drift). */
    stores: z.number().int().min(1).max(9999),
    /** Items sold in every store. */
    items: z.number().int().min(1).max(99999),
    /** Consecutive days from `start`. */
    days: z.number().int().min(1).max(36600),
    /** PRNG seed; the same options and seed give the same bytes. */
    seed: z.number().int().min(0).max(0xffffffff),
    /** First day (ISO). */
    start: salesDateSchema.default('2023-01-01'),
    /** First day the drifts apply (ISO, inclusive); required when `drifts` is not empty. */
    driftFrom: salesDateSchema.optional(),
    drifts: z.array(driftSchema).default([]),
    /** Chain shape: unit counts (`retail`) or intermittent, heavy-tailed sales in currency. */
    profile: generatorProfileSchema.default('retail'),
    /** Row granularity of the output file. */
    granularity: generatorGranularitySchema.default('daily'),
    /** Output CSV path; the store locales go to `<out>.stores.json`. */
    out: z.string().min(1),
  })
  .refine((options) => options.drifts.length === 0 || options.driftFrom !== undefined, { message: 'drifts need driftFrom', path: ['driftFrom'] });
export type GeneratorOptions = z.output<typeof generatorOptionsSchema>;
export type GeneratorOptionsInput = z.input<typeof generatorOptionsSchema>;

/** Validates generator options; a bad value becomes FC_ERR_DATA_GENERATOR_OPTIONS listing the issues. */
export function parseGeneratorOptions(input: unknown): GeneratorOptions {
  const parsed = generatorOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new FleetcastError('FC_ERR_DATA_GENERATOR_OPTIONS', issues.join('; '), { issues });
  }
  return parsed.data;
}
