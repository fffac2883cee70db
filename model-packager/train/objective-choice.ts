import type { Objective } from '../models/trained-model.js';

/** Zero share from which sales count as intermittent (issue #10 rule, docs/training.md). */
export const INTERMITTENT_ZERO_SHARE = 0.3;
/** Tail index below which the non-zero sales count as heavy-tailed (Poisson counts give ≫ 10). */
export const HEAVY_TAIL_INDEX = 4;
/** Share of the largest scaled non-zero values the Hill estimator looks at. */
const HILL_TOP_SHARE = 0.05;

/** Why the default objective was chosen (recorded with the run). */
export interface ObjectiveChoice {
  objective: Objective;
  /** Share of training targets that are 0. */
  zeroShare: number;
  /** Hill estimate of the tail index α of the non-zero targets, each divided by its series' mean non-zero value (Infinity: too few values). */
  tailIndex: number;
  reason: string;
}

/**
 * Hill (1975) estimator over the top k order statistics: α̂ = k / Σ log(x_(i) / x_(k+1)).
 * Smaller α means a heavier tail (a Pareto tail P(X > x) ∝ x^−α).
 */
export function hillTailIndex(values: readonly number[]): number {
  const sorted = values.filter((v) => v > 0).sort((a, b) => b - a);
  const k = Math.floor(sorted.length * HILL_TOP_SHARE);
  if (k < 10) return Infinity;
  let sum = 0;
  for (let i = 0; i < k; i += 1) sum += Math.log(sorted[i] / sorted[k]);
  return sum > 0 ? k / sum : Infinity;
}

/**
 * The default objective for units (issue #10): a Poisson log link fits dense counts, but on
 * intermittent, heavy-tailed sales (e.g. daily revenue of an order history: 70 % zero days,
 * a few huge orders) its Newton steps chase single orders and predictions explode. Tweedie
 * (p = 1.5, a compound Poisson–gamma: a point mass at zero plus a continuous positive part)
 * is the standard loss there. Rule: Tweedie when the zero share is at least
 * INTERMITTENT_ZERO_SHARE or the tail index of the non-zero values (scaled per series, so a
 * mix of fast and slow items does not look heavy-tailed) is below HEAVY_TAIL_INDEX; else Poisson.
 */
export function chooseObjective(y: Float64Array, seriesOf: (row: number) => string): ObjectiveChoice {
  let zeros = 0;
  const positives = new Map<string, number[]>();
  for (let row = 0; row < y.length; row += 1) {
    if (y[row] === 0) {
      zeros += 1;
      continue;
    }
    const key = seriesOf(row);
    let list = positives.get(key);
    if (!list) positives.set(key, (list = []));
    list.push(y[row]);
  }
  const scaled: number[] = [];
  for (const list of positives.values()) {
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    for (const value of list) scaled.push(value / mean);
  }
  const zeroShare = y.length === 0 ? 0 : zeros / y.length;
  const tailIndex = hillTailIndex(scaled);
  const intermittent = zeroShare >= INTERMITTENT_ZERO_SHARE;
  const heavy = tailIndex < HEAVY_TAIL_INDEX;
  const objective: Objective = intermittent || heavy ? 'tweedie' : 'poisson';
  const reason = `zero share ${zeroShare.toFixed(3)} (intermittent ≥ ${INTERMITTENT_ZERO_SHARE}: ${intermittent}), tail index ${tailIndex.toFixed(2)} (heavy < ${HEAVY_TAIL_INDEX}: ${heavy}) → ${objective}`;
  return { objective, zeroShare, tailIndex, reason };
}
