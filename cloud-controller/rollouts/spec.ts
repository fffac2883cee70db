import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../protocols/ids.js';

const percent = z.number().min(0).max(100);

/**
 * What must hold before a wave counts as good (issue #13). Every criterion is optional; the ones
 * given are all checked. Quality criteria (error rate, p99, drift, WAPE) are also checked while
 * the wave bakes, so a clearly worse model is stopped at once instead of at the end of the bake.
 */
export const successCriteriaSchema = z.object({
  /** Committed ÷ executed (committed + failed) of the wave's devices, in percent. */
  minInstallSuccessPercent: percent.default(100),
  /** Scoring errors ÷ scoring requests on the new version since the wave started (0..1). */
  maxScoringErrorRate: z.number().min(0).max(1).optional(),
  /** Largest p99 scoring latency any updated device reported in a heartbeat since the wave started (ms). */
  maxP99LatencyMs: z.number().positive().optional(),
  /** Largest prediction PSI in the new version's drift reports from updated devices. */
  maxDriftPsi: z.number().nonnegative().optional(),
  /** WAPE of the new version ÷ WAPE of the champion on comparable stores (same regions, not yet updated), from POS actuals. */
  maxWapeRatio: z.number().positive().optional(),
  /** Matched forecasts each side needs before the WAPE ratio is judged. */
  minActuals: z.number().int().positive().default(20),
  /** Keep baking past the bake time until enough actuals arrived (otherwise the WAPE gate is skipped with a note). */
  requireActuals: z.boolean().default(false),
}).strict();
export type SuccessCriteria = z.infer<typeof successCriteriaSchema>;

/** When install failures stop the rollout (hawkBit's error threshold, AWS IoT Jobs' abort config). */
export const abortCriteriaSchema = z.object({
  /** Failed ÷ executed of every device the rollout updated, in percent; above it the rollout aborts. */
  maxFailurePercent: percent.default(0),
  /** Devices that must have executed (committed or failed) before the failure percentage counts. */
  minExecuted: z.number().int().positive().default(1),
}).strict();
export type AbortCriteria = z.infer<typeof abortCriteriaSchema>;

/** `1` = one device in total, `10%` = 10 % of the target (rounded up); sizes are cumulative. */
export const waveSizeSchema = z.union([
  z.number().int().positive().max(1_000_000),
  z.string().regex(/^(\d{1,3}(\.\d+)?)%$/, 'a device count or a percentage like 10%').refine((text) => Number(text.slice(0, -1)) > 0 && Number(text.slice(0, -1)) <= 100, 'percent in (0, 100]'),
]);

export const waveSpecSchema = z.object({
  size: waveSizeSchema,
  /** Seconds the wave runs on the new version before it is judged. */
  bakeSeconds: z.number().int().nonnegative().max(30 * 86_400).default(0),
  /** Devices of the wave that must have committed before the bake starts. */
  minDevices: z.number().int().nonnegative().default(1),
  /** An operator must approve before this wave starts (`fleetcast rollout approve`). */
  requireApproval: z.boolean().default(false),
  success: successCriteriaSchema.default({}),
}).strict();
export type WaveSpec = z.infer<typeof waveSpecSchema>;

/** Environments of issue #13: Staging deploys to the configured staging group, Production to the target. */
export const environmentSchema = z.enum(['staging', 'production']);
export type Environment = z.infer<typeof environmentSchema>;

/** `POST /v1/rollouts` and `fleetcast rollout create --spec rollout.json`. */
export const rolloutSpecSchema = z.object({
  rolloutId: idSchema.optional(),
  model: idSchema,
  version: z.number().int().positive(),
  /** Target selector; Staging defaults to the configured staging group. */
  selector: z.string().min(1).max(500).optional(),
  environment: environmentSchema.default('production'),
  waves: z.array(waveSpecSchema).min(1).max(20),
  abort: abortCriteriaSchema.default({}),
  /** Update a store only outside its opening hours in its own time zone. */
  respectOpeningHours: z.boolean().default(true),
  /** Retries of an install that failed for a transient reason (download failed, agent busy) before it counts as failed. */
  installRetries: z.number().int().min(0).max(5).default(2),
}).strict();
export type RolloutSpec = z.infer<typeof rolloutSpecSchema>;
export type RolloutSpecInput = z.input<typeof rolloutSpecSchema>;

/** Parses `--waves 1,10%,50%,100%` into wave sizes. */
export function parseWaveSizes(text: string): Array<number | string> {
  const sizes = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (sizes.length === 0) throw new FleetcastError('FC_ERR_ROLLOUT_SPEC', '--waves lists no wave');
  return sizes.map((size) => (/^\d+$/.test(size) ? Number(size) : size));
}

/** Devices wave `size` reaches in a target of `total` (cumulative, at least one, at most the target). */
export function waveTargetCount(size: number | string, total: number): number {
  const count = typeof size === 'number' ? size : Math.ceil((Number(size.slice(0, -1)) / 100) * total);
  return Math.min(total, Math.max(1, count));
}

/**
 * Checks what zod cannot: counts grow among counts, percentages among percentages (a count and a
 * percentage compare only once the target is known, and a wave never shrinks at run time since
 * devices already updated stay in), and the last wave reaches the whole target.
 */
export function assertWavesGrow(spec: RolloutSpec): void {
  const last = { count: 0, percent: 0 };
  spec.waves.forEach((wave, index) => {
    const [kind, value] = typeof wave.size === 'number' ? ['count', wave.size] as const : ['percent', Number(wave.size.slice(0, -1))] as const;
    if (value <= last[kind]) throw new FleetcastError('FC_ERR_ROLLOUT_SPEC', `wave ${index} (${String(wave.size)}) does not grow`, { wave: index });
    last[kind] = value;
  });
  if (spec.waves.at(-1)?.size !== '100%') throw new FleetcastError('FC_ERR_ROLLOUT_SPEC', `the last wave must be 100% (got ${String(spec.waves.at(-1)?.size)})`);
}
