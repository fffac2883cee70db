import { performance } from 'node:perf_hooks';
import { silentProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import type { Objective } from '../models/trained-model.js';
import type { LabelledMatrix } from '../learners/training-input.js';
import { createRandom } from '../learners/random.js';
import { sampleParams, type LearnerKind, type LearnerSpec } from './learners.js';

/** One evaluated configuration at one budget. */
export interface TrialResult {
  trial: number;
  kind: LearnerKind;
  params: Record<string, number>;
  budget: number;
  /** Validation loss of the learner's objective at the end of the budget (lower is better). */
  score: number;
}

/** Outcome of a search. */
export interface TuningResult {
  best: TrialResult;
  trials: TrialResult[];
  /** True when the time budget stopped the search early. */
  stoppedByTime: boolean;
}

/** Inputs of `tune`. */
export interface TuneOptions {
  candidates: { kind: LearnerKind; spec: LearnerSpec }[];
  objective: Objective;
  featureNames: string[];
  train: LabelledMatrix;
  validation: LabelledMatrix;
  /** Configurations sampled (the first per learner is its defaults). */
  trials: number;
  /** Wall-clock budget in ms; no new fit starts after it. */
  timeBudgetMs: number;
  seed: number;
  progress?: ProgressReporter;
}

/** Halving rate: each rung keeps the best third and triples the budget (Jamieson & Talwalkar 2016). */
const ETA = 3;

/**
 * Random search with successive halving (issue #3): `trials` configurations get a small
 * budget (rounds), the best 1/ETA move on with ETA× the budget, until one is left or the
 * learner's maximum budget is reached. Scores are the learner's validation loss on the most
 * recent fold. The time budget is checked before each fit; the best result of the highest
 * rung reached wins. The terminal progress bar counts fits.
 */
export async function tune(options: TuneOptions): Promise<TuningResult> {
  const started = performance.now();
  const uniform = createRandom(options.seed);
  let pool: { trial: number; kind: LearnerKind; spec: LearnerSpec; params: Record<string, number> }[] = [];
  for (let trial = 0; trial < options.trials; trial += 1) {
    const candidate = options.candidates[trial % options.candidates.length];
    const first = trial < options.candidates.length;
    pool.push({ trial, kind: candidate.kind, spec: candidate.spec, params: first ? { ...candidate.spec.defaults } : sampleParams(candidate.spec, uniform) });
  }
  const maxBudget = Math.max(...options.candidates.map((c) => c.spec.maxBudget));
  const rungs: number[] = [];
  for (let budget = maxBudget, survivors = 1; ; budget = Math.floor(budget / ETA), survivors *= ETA) {
    rungs.unshift(Math.max(1, budget));
    if (survivors >= options.trials || budget / ETA < 10) break;
  }
  let total = 0;
  for (let i = 0, n = options.trials; i < rungs.length; i += 1, n = Math.max(1, Math.ceil(n / ETA))) total += n;
  const progress = options.progress ?? silentProgress;
  progress.start(total, 'tuning');
  const results: TrialResult[] = [];
  let done = 0;
  let stoppedByTime = false;
  let bestOfHighestRung: TrialResult | undefined;
  for (let rung = 0; rung < rungs.length && !stoppedByTime; rung += 1) {
    const rungResults: TrialResult[] = [];
    for (const entry of pool) {
      if (performance.now() - started > options.timeBudgetMs && (rungResults.length > 0 || bestOfHighestRung)) {
        stoppedByTime = true;
        break;
      }
      const budget = Math.min(rungs[rung], entry.spec.maxBudget);
      const fit = await entry.spec.fit({ train: options.train, validation: options.validation, featureNames: options.featureNames, objective: options.objective, params: entry.params, budget, seed: options.seed });
      const last = fit.history[fit.history.length - 1];
      const result: TrialResult = { trial: entry.trial, kind: entry.kind, params: entry.params, budget, score: last.valid ?? last.train };
      rungResults.push(result);
      results.push(result);
      done += 1;
      progress.update(done, { rung, best: Math.min(...rungResults.map((r) => r.score)).toFixed(4) });
    }
    if (rungResults.length === 0) break;
    rungResults.sort((a, b) => a.score - b.score);
    bestOfHighestRung = rungResults[0];
    const keep = new Set(rungResults.slice(0, Math.max(1, Math.ceil(rungResults.length / ETA))).map((r) => r.trial));
    pool = pool.filter((entry) => keep.has(entry.trial));
  }
  progress.stop();
  return { best: bestOfHighestRung ?? results[0], trials: results, stoppedByTime };
}
