import { performance } from 'node:perf_hooks';
import { silentProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import type { Objective, TrainedModel } from '../models/trained-model.js';
import type { LabelledMatrix } from '../learners/training-input.js';
import { createRandom } from '../learners/random.js';
import { sampleParams, type LearnerKind, type LearnerSpec } from './learners.js';

/** One evaluated configuration at one budget. */
export interface TrialResult {
  trial: number;
  kind: LearnerKind;
  objective: Objective;
  params: Record<string, number>;
  budget: number;
  /** `score` of the fitted model on the validation rows (lower is better). */
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
  /** Learners with the objective their default configuration uses. */
  candidates: { kind: LearnerKind; spec: LearnerSpec; objective: Objective }[];
  /**
   * Objectives sampled configurations draw from (issue #10: the loss is searched like any
   * hyper-parameter, restricted to those the learner implements); empty = always the
   * candidate's objective.
   */
  searchObjectives: readonly Objective[];
  featureNames: string[];
  train: LabelledMatrix;
  validation: LabelledMatrix;
  /** Configurations sampled (the first per learner is its defaults). */
  trials: number;
  /** Wall-clock budget in ms; no new fit starts after it. */
  timeBudgetMs: number;
  seed: number;
  /** Validation score of a fitted model, lower is better (WAPE for units, log loss for binary) — comparable across learners. */
  score: (model: TrainedModel, validation: LabelledMatrix) => number;
  progress?: ProgressReporter;
}

/** Halving rate: each rung keeps the best third and triples the budget (Jamieson & Talwalkar 2016). */
const ETA = 3;

/**
 * Random search with successive halving (issue #3): `trials` configurations get a small
 * budget (rounds), the best 1/ETA move on with ETA× the budget, until one is left or the
 * learner's maximum budget is reached. Scores are `score` on the most recent fold, the same
 * for every learner, so `--model auto` compares GBDT, MLP and linear fairly. The time budget is checked before each fit; the best result of the highest
 * rung reached wins. The terminal progress bar counts fits.
 */
export async function tune(options: TuneOptions): Promise<TuningResult> {
  const started = performance.now();
  const uniform = createRandom(options.seed);
  let pool: { trial: number; kind: LearnerKind; spec: LearnerSpec; objective: Objective; params: Record<string, number> }[] = [];
  for (let trial = 0; trial < options.trials; trial += 1) {
    const candidate = options.candidates[trial % options.candidates.length];
    if (trial < options.candidates.length) {
      pool.push({ trial, kind: candidate.kind, spec: candidate.spec, objective: candidate.objective, params: { ...candidate.spec.defaults } });
      continue;
    }
    const params = sampleParams(candidate.spec, uniform);
    const objectives = options.searchObjectives.filter((objective) => candidate.spec.objectives.includes(objective));
    const objective = objectives.length > 0 ? objectives[Math.min(objectives.length - 1, Math.floor(uniform() * objectives.length))] : candidate.objective;
    pool.push({ trial, kind: candidate.kind, spec: candidate.spec, objective, params });
  }
  // Rungs as fractions of each learner's maximum budget (…, 1/9, 1/3, 1), fewest first.
  const rungs: number[] = [];
  for (let fraction = 1, survivors = 1; ; fraction /= ETA, survivors *= ETA) {
    rungs.unshift(fraction);
    if (survivors >= options.trials || Math.min(...options.candidates.map((c) => c.spec.maxBudget * fraction)) / ETA < 10) break;
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
      const budget = Math.max(1, Math.floor(rungs[rung] * entry.spec.maxBudget));
      const fit = await entry.spec.fit({ train: options.train, validation: options.validation, featureNames: options.featureNames, objective: entry.objective, params: entry.params, budget, seed: options.seed });
      const result: TrialResult = { trial: entry.trial, kind: entry.kind, objective: entry.objective, params: entry.params, budget, score: options.score(fit.model, options.validation) };
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
