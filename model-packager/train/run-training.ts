import type { SalesRow } from '../../protocols/data/sales-row.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { deriveFeatureSpec, fromEpochDay, lookbackDays } from '../../protocols/features/index.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import { createProgress, silentProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import { logLoss, wape } from '../../protocols/metrics/index.js';
import { predictModel } from '../models/predict.js';
import type { Objective, TrainedModel } from '../models/trained-model.js';
import type { RunStore } from '../tracking/run-store.js';
import type { IterationMetric, RunArtifacts, RunMetrics } from '../tracking/run-record.js';
import { buildTrainingDataset, selectRows, type TrainingDataset } from './dataset.js';
import { evaluateBinary, evaluateRegression, trainingMaseScale, type BinaryEvaluation, type RegressionEvaluation } from './evaluate.js';
import { availableLearners, learners, type LearnerKind } from './learners.js';
import { planTimeSplits, type TimeSplit } from './time-splits.js';
import { parseTrainingOptions, type TrainingOptions, type TrainingOptionsInput } from './training-options.js';
import { tune, type TuningResult } from './tune.js';
import { baselineModel, type BaselineName } from './baseline-model.js';
import { selectAgainstBaselines, type FoldPredictions, type Selection } from './selection.js';
import { chooseObjective, type ObjectiveChoice } from './objective-choice.js';
import { baselineVerdict, type BaselineVerdict } from '../tracking/baseline-verdict.js';
import type { LearnerFit } from './learners.js';
import { bestPooledRounds, emptyFoldCurve, firstRounds, recordingWape } from './pooled-rounds.js';

/** Where the training data came from (recorded with the run). */
export interface TrainingData {
  rows: readonly SalesRow[];
  dataPath: string | null;
  dataSha256: string | null;
  validationReport: unknown;
}

/** One cross-validation fold's headline numbers. */
export interface FoldSummary {
  fold: number;
  from: string;
  to: string;
  metrics: Record<string, number>;
  seasonalNaive: Record<string, number> | null;
  improvementOverSeasonalNaive: number | null;
}

/** What `fleetcast train --json` prints. */
export interface TrainingResult {
  ok: true;
  runId: string;
  runsDb: string;
  /** The model trained; `baseline` names the baseline it reproduces when no learner beat the baselines (issue #10). */
  model: { kind: LearnerKind; objective: Objective; params: Record<string, number>; rounds: number; baseline?: BaselineName };
  /** How the objective was chosen from the data (null when the run named one). */
  objectiveChoice: ObjectiveChoice | null;
  /** Validation-fold comparison behind the model choice (null without selection: explicit learner and no tuning, or a binary target). */
  selection: Selection | null;
  /** Holdout WAPE against the best baseline (null for a binary target). */
  baseline: BaselineVerdict | null;
  target: TrainingOptions['target'];
  horizon: number;
  featureNames: string[];
  rows: { total: number; train: number; holdout: number };
  /** Holdout metrics of the model and of each baseline on the same rows. */
  metrics: { model: Record<string, number>; seasonalNaive: Record<string, number> | null; movingAverage: Record<string, number> | null; prevalenceBaseline?: Record<string, number> };
  /** 1 − WAPE(model)/WAPE(seasonal naive) on the holdout (regression only). */
  improvementOverSeasonalNaive: number | null;
  perStore: Record<string, { model: Record<string, number>; seasonalNaive: Record<string, number>; improvementOverSeasonalNaive: number }> | null;
  crossValidation: { folds: FoldSummary[]; meanImprovementOverSeasonalNaive: number | null };
  tuning: { trials: number; bestTrial: number; bestScore: number; stoppedByTime: boolean } | null;
  artifacts: RunArtifacts;
}

/** Rounds without improvement of the validation loss before fitting stops. */
const EARLY_STOPPING_ROUNDS = 20;

/** Unit objectives tuning searches when the run does not name one (issue #10). */
const SEARCHED_UNIT_OBJECTIVES: readonly Objective[] = ['squared', 'poisson', 'tweedie'];

const seriesKey = (row: SalesRow): string => `${row.store}\u0000${row.item}`;

/** Keeps finite numbers only (manifest metric sets are finite; NaN would not survive JSON). */
function finite(values: object): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Evenly spaced row indices (deterministic sample across the whole training window). */
function spread(indices: Uint32Array, count: number): Uint32Array {
  if (indices.length <= count) return indices;
  return Uint32Array.from({ length: count }, (_, k) => indices[Math.floor((k * indices.length) / count)]);
}

interface Evaluated {
  regression: RegressionEvaluation | null;
  binary: BinaryEvaluation | null;
}

function evaluate(dataset: TrainingDataset, split: TimeSplit, predictions: Float64Array, options: TrainingOptions): Evaluated {
  if (options.target === 'stockout') {
    let positives = 0;
    for (const r of split.train) positives += dataset.y[r];
    const labels = Float64Array.from(split.test, (r) => dataset.y[r]);
    return { regression: null, binary: evaluateBinary(labels, predictions, positives / split.train.length) };
  }
  const scale = trainingMaseScale(dataset.history, dataset, split.testFromDay);
  return { regression: evaluateRegression(dataset, split.test, predictions, options.horizon, scale), binary: null };
}

/**
 * One tracked training run (issue #3): feature spec from the data, features from the shared
 * executor, time splits (holdout + rolling-origin folds), optional tuning by random search
 * with successive halving on the most recent fold, rounds chosen by early stopping on that
 * fold, cross-validation with the chosen settings, the final fit on everything before the
 * holdout, and evaluation beside seasonal naive and a moving average. Everything is written
 * to `store`; a failure marks the run failed with its code.
 */
export async function runTraining(data: TrainingData, input: TrainingOptionsInput, context: { store: RunStore; logger: Logger; json: boolean }): Promise<TrainingResult> {
  const options = parseTrainingOptions(input);
  const requested = options.objective ?? (options.target === 'stockout' ? 'logistic' : undefined);
  if (requested !== undefined && (requested === 'logistic') !== (options.target === 'stockout')) {
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_PARAMS', `objective ${requested} does not fit target ${options.target}`, { objective: requested, target: options.target });
  }
  const kinds: LearnerKind[] = availableLearners.filter((kind) => (options.model === 'auto' || kind === options.model) && (requested === undefined || learners[kind].objectives.includes(requested)));
  if (kinds.length === 0) throw new FleetcastError('FC_ERR_TRAIN_LEARNER_UNAVAILABLE', `${options.model} with objective ${requested}`, { model: options.model, objective: requested });
  const { store, logger } = context;
  const runId = store.createRun({ objective: requested ?? 'auto', target: options.target, params: { ...options, objective: requested ?? 'auto' }, dataPath: data.dataPath, dataSha256: data.dataSha256, validationReport: data.validationReport });
  logger.info({ runId, rows: data.rows.length }, 'training run started');
  try {
    const result = await train(runId, data, options, requested, kinds, context);
    logger.info({ runId, objective: result.model.objective, wape: result.metrics.model.wape, improvement: result.improvementOverSeasonalNaive, worseThanBaseline: result.baseline?.worseThanBaseline }, 'training run finished');
    return result;
  } catch (error) {
    const coded = toFleetcastError(error);
    store.failRun(runId, { code: coded.code, message: coded.message });
    throw coded;
  }
}

async function train(runId: string, data: TrainingData, options: TrainingOptions, requested: Objective | undefined, kinds: LearnerKind[], context: { store: RunStore; json: boolean }): Promise<TrainingResult> {
  const spec = deriveFeatureSpec(data.rows as SalesRow[], { horizon: options.horizon, defaultLocale: options.locale, storeLocales: options.storeLocales });
  const dataset = buildTrainingDataset(data.rows, spec, options.target);
  const plan = planTimeSplits(dataset.day, { holdoutDays: options.holdoutDays, folds: options.folds, foldDays: options.foldDays, minTrainDays: Math.max(28, lookbackDays(spec)) });
  const tuningFold = plan.folds[plan.folds.length - 1];
  const tuningTrain = selectRows(dataset, tuningFold.train);
  const tuningValid = selectRows(dataset, tuningFold.test);
  const progressOf = (): ProgressReporter => (context.json ? silentProgress : createProgress({ json: context.json }));

  // The objective from the data (issue #10) when the run names none: on the rows before the holdout only.
  const objectiveChoice = requested === undefined ? chooseObjective(Float64Array.from(plan.holdout.train, (r) => dataset.y[r]), (i) => seriesKey(dataset.rows[plan.holdout.train[i]])) : null;
  const objectiveOf = (kind: LearnerKind): Objective => {
    if (requested !== undefined) return requested;
    const chosen = (objectiveChoice as ObjectiveChoice).objective;
    return learners[kind].objectives.includes(chosen) ? chosen : 'poisson';
  };
  let chosen: { kind: LearnerKind; objective: Objective; params: Record<string, number> } = { kind: kinds[0], objective: objectiveOf(kinds[0]), params: { ...learners[kinds[0]].defaults } };
  let tuning: TuningResult | null = null;
  const trials = Math.max(options.trials, kinds.length);
  if (trials > 1) {
    tuning = await tune({
      candidates: kinds.map((kind) => ({ kind, spec: learners[kind], objective: objectiveOf(kind) })),
      searchObjectives: requested === undefined ? SEARCHED_UNIT_OBJECTIVES : [],
      featureNames: dataset.names,
      train: tuningTrain,
      validation: tuningValid,
      trials,
      timeBudgetMs: options.timeBudgetSeconds * 1_000,
      seed: options.seed,
      score: (model, validation) => {
        const predicted = predictModel(model, validation.X, validation.nRows);
        return options.target === 'stockout' ? logLoss(validation.y, predicted) : wape(validation.y, predicted);
      },
      progress: progressOf(),
    });
    chosen = { kind: tuning.best.kind, objective: tuning.best.objective, params: tuning.best.params };
  }
  const objective = chosen.objective;
  const learner = learners[chosen.kind];
  const fitLearner = (
    train: Uint32Array,
    rounds: number,
    extra: { validation?: Uint32Array; earlyStoppingRounds?: number; stoppingMetric?: (y: Float64Array, predictions: Float64Array) => number; onIteration?: (i: number, t: number, v: number | undefined) => void } = {},
  ) =>
    learner.fit({
      train: selectRows(dataset, train),
      validation: extra.validation ? selectRows(dataset, extra.validation) : undefined,
      featureNames: dataset.names,
      objective,
      params: chosen.params,
      budget: rounds,
      earlyStoppingRounds: extra.earlyStoppingRounds,
      stoppingMetric: extra.stoppingMetric,
      seed: options.seed,
      onIteration: extra.onIteration,
    });

  const progress = progressOf();
  progress.start(plan.folds.length + 2, 'training');
  const learnerFolds: FoldPredictions[] = [];
  const foldPredictions = (fold: TimeSplit, model: TrainedModel): FoldPredictions => ({ fold, predictions: predictModel(model, selectRows(dataset, fold.test).X, fold.test.length) });
  let rounds: number;
  if (options.target === 'units' && chosen.kind === 'gbdt') {
    // GBDT for units: every fold grows the full budget and the rounds are those with the best
    // WAPE pooled over all folds — the selection score, never the holdout (issue #10).
    const curves = plan.folds.map(() => emptyFoldCurve());
    const fits: LearnerFit[] = [];
    for (const [k, fold] of plan.folds.entries()) {
      fits.push(await fitLearner(fold.train, learner.maxBudget, { validation: fold.test, stoppingMetric: recordingWape(curves[k]) }));
      progress.update(1 + k, { fold: k });
    }
    rounds = bestPooledRounds(curves);
    for (const [k, fold] of plan.folds.entries()) learnerFolds.push(foldPredictions(fold, firstRounds(fits[k].model, rounds)));
  } else {
    // Other learners stop on their loss on the most recent fold, then every fold is refitted.
    const stopping = await fitLearner(tuningFold.train, learner.maxBudget, { validation: tuningFold.test, earlyStoppingRounds: EARLY_STOPPING_ROUNDS });
    rounds = stopping.bestIteration + 1;
    for (const [k, fold] of plan.folds.entries()) {
      learnerFolds.push(foldPredictions(fold, (await fitLearner(fold.train, rounds)).model));
      progress.update(1 + k, { fold: k });
    }
  }
  progress.update(plan.folds.length + 1, { rounds });

  // Selection never picks a model that loses to a baseline on the validation days (issue #10).
  const selection = options.target === 'units' && (options.model === 'auto' || trials > 1) ? selectAgainstBaselines(dataset, learnerFolds, options.horizon) : null;
  const fallback = selection?.fallback ?? null;
  const fitOn = async (train: Uint32Array, budget: number, extra: Parameters<typeof fitLearner>[2] = {}): Promise<LearnerFit> =>
    fallback ? { model: baselineModel(dataset.names, fallback.feature), history: [], bestIteration: 0 } : fitLearner(train, budget, extra);
  const model = fallback
    ? { kind: 'linear' as const, objective: 'squared' as const, params: {}, rounds: 0, baseline: fallback.baseline }
    : { kind: chosen.kind, objective, params: chosen.params, rounds };

  const folds: FoldSummary[] = learnerFolds.map(({ fold, predictions: learned }, k) => {
    const predicted = fallback ? predictModel(baselineModel(dataset.names, fallback.feature), selectRows(dataset, fold.test).X, fold.test.length) : learned;
    const evaluated = evaluate(dataset, fold, predicted, options);
    return {
      fold: k,
      from: fromEpochDay(fold.testFromDay),
      to: fromEpochDay(fold.testToDay),
      metrics: finite(evaluated.regression?.model ?? evaluated.binary?.model ?? {}),
      seasonalNaive: evaluated.regression ? finite(evaluated.regression.seasonalNaive) : null,
      improvementOverSeasonalNaive: evaluated.regression ? finiteOrNull(evaluated.regression.improvementOverSeasonalNaive) : null,
    };
  });

  const iterations: IterationMetric[] = [];
  const holdout = plan.holdout;
  const holdoutMatrix = selectRows(dataset, holdout.test);
  const final = await fitOn(holdout.train, rounds, {
    validation: holdout.test,
    onIteration: (iteration, trainLoss, holdoutLoss) => {
      iterations.push({ iteration, name: 'train', value: trainLoss });
      if (holdoutLoss !== undefined) iterations.push({ iteration, name: 'holdout', value: holdoutLoss });
    },
  });
  progress.update(plan.folds.length + 2);
  progress.stop();
  context.store.logIterations(runId, iterations);

  const predictions = predictModel(final.model, holdoutMatrix.X, holdoutMatrix.nRows);
  const evaluated = evaluate(dataset, holdout, predictions, options);
  const metrics: RunMetrics = evaluated.regression
    ? { model: finite(evaluated.regression.model), seasonalNaive: finite(evaluated.regression.seasonalNaive), movingAverage: finite(evaluated.regression.movingAverage) }
    : { model: finite(evaluated.binary?.model ?? {}), seasonalNaive: null, movingAverage: null };
  const artifacts = context.store.saveArtifacts(runId, {
    model: final.model,
    sampleRows: selectRows(dataset, spread(holdout.train, options.sampleRows)).X,
    holdoutRows: holdoutMatrix.X,
    holdoutTargets: Array.from(holdoutMatrix.y),
    holdoutKeys: Array.from(holdout.test, (r) => [dataset.rows[r].store, dataset.rows[r].item, dataset.rows[r].date] as [string, string, string]),
  });
  const improvements = folds.map((f) => f.improvementOverSeasonalNaive).filter((v): v is number => v !== null);
  const result: TrainingResult = {
    ok: true,
    runId,
    runsDb: context.store.dbPath,
    model,
    objectiveChoice,
    selection,
    baseline: baselineVerdict(metrics),
    target: options.target,
    horizon: options.horizon,
    featureNames: dataset.names,
    rows: { total: dataset.nRows, train: holdout.train.length, holdout: holdout.test.length },
    metrics: evaluated.regression
      ? { model: metrics.model, seasonalNaive: metrics.seasonalNaive, movingAverage: metrics.movingAverage ?? null }
      : { model: metrics.model, seasonalNaive: null, movingAverage: null, prevalenceBaseline: finite(evaluated.binary?.prevalenceBaseline ?? {}) },
    improvementOverSeasonalNaive: evaluated.regression ? finiteOrNull(evaluated.regression.improvementOverSeasonalNaive) : null,
    perStore: evaluated.regression
      ? Object.fromEntries(
          Object.entries(evaluated.regression.perStore).map(([s, c]) => [s, { model: finite(c.model), seasonalNaive: finite(c.seasonalNaive), improvementOverSeasonalNaive: c.improvementOverSeasonalNaive }]),
        )
      : null,
    crossValidation: { folds, meanImprovementOverSeasonalNaive: improvements.length ? improvements.reduce((a, b) => a + b, 0) / improvements.length : null },
    tuning: tuning ? { trials: tuning.trials.length, bestTrial: tuning.best.trial, bestScore: tuning.best.score, stoppedByTime: tuning.stoppedByTime } : null,
    artifacts,
  };
  context.store.finishRun(runId, {
    modelKind: model.kind,
    objective: model.objective,
    params: { ...options, objective: model.objective, learnerParams: model.params, rounds: model.rounds, ...(fallback ? { baselineModel: fallback.baseline } : {}) },
    featureSpec: spec,
    featureNames: dataset.names,
    metrics,
    evaluation: { metrics: result.metrics, objectiveChoice, selection, improvementOverSeasonalNaive: result.improvementOverSeasonalNaive, perStore: result.perStore, crossValidation: result.crossValidation, tuning: tuning ? { ...result.tuning, results: tuning.trials } : null },
    artifacts,
  });
  return result;
}
