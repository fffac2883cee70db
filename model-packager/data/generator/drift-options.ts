import { z } from 'zod';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';

/**
 * Drift the generator can inject from a date on (issue #3), each with a magnitude:
 * - `demand-level=F`: true demand × F (default 1.5);
 * - `price-shift=F`: every price × F (default 1.2); demand answers through each item's elasticity;
 * - `new-store=N`: N new stores (default 10 % of the chain, at least 1) open on the drift date;
 * - `holiday-moved=N`: the holiday effect happens N days after the calendar holiday (default 7),
 *   so a model keyed on the official calendar mistimes it;
 * - `broken-sensor=F`: in the first ⌈F × stores⌉ stores (default 0.2) the thermometer freezes at its
 *   last reading and the rain gauge reads 0, while true demand still follows the real weather.
 */
export const driftKindSchema = z.enum(['demand-level', 'price-shift', 'new-store', 'holiday-moved', 'broken-sensor']);
export type DriftKind = z.infer<typeof driftKindSchema>;

export const driftSchema = z.object({ kind: driftKindSchema, magnitude: z.number().positive().finite() });
export type Drift = z.infer<typeof driftSchema>;

const defaultMagnitude: Record<DriftKind, (stores: number) => number> = {
  'demand-level': () => 1.5,
  'price-shift': () => 1.2,
  'new-store': (stores) => Math.max(1, Math.round(stores * 0.1)),
  'holiday-moved': () => 7,
  'broken-sensor': () => 0.2,
};

/** Parses `--drift kind[=magnitude]` values (comma-separated or repeated). */
export function parseDrifts(specs: readonly string[], stores: number): Drift[] {
  const drifts: Drift[] = [];
  for (const spec of specs.flatMap((text) => text.split(',')).map((text) => text.trim()).filter(Boolean)) {
    const [name, value] = spec.split('=');
    const kind = driftKindSchema.safeParse(name);
    if (!kind.success) throw new FleetcastError('FC_ERR_DATA_GENERATOR_OPTIONS', `unknown drift "${name}"`, { known: driftKindSchema.options });
    const magnitude = value === undefined ? defaultMagnitude[kind.data](stores) : Number(value);
    const drift = driftSchema.safeParse({ kind: kind.data, magnitude });
    if (!drift.success) throw new FleetcastError('FC_ERR_DATA_GENERATOR_OPTIONS', `drift "${spec}" needs a positive magnitude`);
    if (drifts.some((existing) => existing.kind === drift.data.kind)) throw new FleetcastError('FC_ERR_DATA_GENERATOR_OPTIONS', `drift "${name}" given twice`);
    drifts.push(drift.data);
  }
  return drifts;
}
