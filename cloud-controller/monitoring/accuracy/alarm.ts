import { z } from 'zod';

/**
 * Parameters of the sequential accuracy alarm (issue #12): a one-sided CUSUM over the window
 * score r = WAPE / WAPE_validation − 1 (relative degradation against the bundle's own
 * validation figure). See docs/alerts.md for the detection delay and false-alarm rate.
 */
export const alarmParametersSchema = z.object({
  /** Allowance k: relative degradation tolerated per window without accumulating (0.1 = 10 % worse than validation). */
  allowance: z.number().min(0).max(10).default(0.1),
  /** Decision threshold h on the CUSUM statistic; `alarm` at S ≥ h, `warning` at S ≥ h/2. */
  threshold: z.number().positive().max(100).default(0.6),
  /**
   * Fewest windows that can raise an alarm: one window adds at most h / minWindows, so a single
   * noisy window can reach `warning` but never pages anybody.
   */
  minWindows: z.number().int().min(1).max(50).default(2),
  /** Windows with fewer matched (forecast, actual) pairs than this leave the statistic unchanged. */
  minSamples: z.number().int().min(1).max(1_000_000).default(50),
  /** Window length in days (accuracy counters are daily). */
  windowDays: z.number().int().min(1).max(31).default(1),
});
export type AlarmParameters = z.output<typeof alarmParametersSchema>;
export type AlarmParametersInput = z.input<typeof alarmParametersSchema>;

/** The alarm's verdict on one window. */
export type AlarmState = 'ok' | 'warning' | 'alarm';

/** Numerical slack so that minWindows capped steps (h/m · m) reach h despite rounding. */
const EPSILON = 1e-9;

/**
 * One CUSUM step: S_t = min(2h, max(0, S_{t−1} + min(r_t − k, h/m))). The cap at 2h bounds how
 * long a recovered model stays in alarm ((2h − h)/k windows of perfect accuracy at most).
 * `score` null (too few samples, no reference) keeps S unchanged.
 */
export function cusumStep(previous: number, score: number | null, parameters: AlarmParameters): number {
  if (score === null) return previous;
  const step = Math.min(score - parameters.allowance, parameters.threshold / parameters.minWindows);
  return Math.min(2 * parameters.threshold, Math.max(0, previous + step));
}

/** State of the alarm for statistic S. */
export function alarmState(statistic: number, parameters: AlarmParameters): AlarmState {
  if (statistic >= parameters.threshold - EPSILON) return 'alarm';
  return statistic >= parameters.threshold / 2 - EPSILON ? 'warning' : 'ok';
}

/**
 * Windows a sustained relative degradation δ takes to raise the alarm from S = 0:
 * the least t with t · min(δ − k, h/m) ≥ h; Infinity when δ ≤ k (never).
 */
export function detectionDelay(degradation: number, parameters: AlarmParameters): number {
  const step = Math.min(degradation - parameters.allowance, parameters.threshold / parameters.minWindows);
  if (step <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(parameters.threshold / step - EPSILON);
}
