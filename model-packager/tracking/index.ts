import type { FeatureSpec } from '../../protocols/features/spec.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { TrainedModel } from '../models/trained-model.js';
import { RunStore } from './run-store.js';
import type { RunMetrics, RunRecord } from './run-record.js';

/**
 * Experiment tracking API (issue #3). Stable for `fleetcast package --run <id>` (issue #4):
 * `loadRunForPackaging` returns exactly what `assembleBundle` needs from a run.
 */
export { RunStore, type RunSummary, type RunArrays, type NewRun, type FinishedRun } from './run-store.js';
export { baselineVerdict, assertBeatsBaselines, type BaselineVerdict } from './baseline-verdict.js';
export { runRecordSchema, runMetricsSchema, runArtifactsSchema, type RunRecord, type RunMetrics, type RunArtifacts, type IterationMetric } from './run-record.js';

import { DEFAULT_RUNS_DB } from './defaults.js';

export { DEFAULT_RUNS_DB };

/** Opens (creating if needed) the run store at `dbPath`. */
export function openRunStore(dbPath: string = DEFAULT_RUNS_DB): RunStore {
  return new RunStore(dbPath);
}

function withStore<T>(dbPath: string, action: (store: RunStore) => T): T {
  const store = openRunStore(dbPath);
  try {
    return action(store);
  } finally {
    store.close();
  }
}

/** The full record of run `runId` (FC_ERR_RUN_NOT_FOUND when absent). */
export function getRun(runId: string, dbPath: string = DEFAULT_RUNS_DB): RunRecord {
  return withStore(dbPath, (store) => store.getRun(runId));
}

/** The trained model of a finished run. */
export function loadRunModel(runId: string, dbPath: string = DEFAULT_RUNS_DB): TrainedModel {
  return withStore(dbPath, (store) => store.loadArrays(runId).model);
}

/** Everything packaging reads from a run (matrices are row-major float32 [n, featureNames.length]). */
export interface RunForPackaging {
  runId: string;
  model: TrainedModel;
  featureSpec: FeatureSpec;
  featureNames: string[];
  /** Up to 5,000 training feature rows (int8 calibration, reference profile, golden rows). */
  sampleRows: Float32Array;
  /** Holdout feature rows and their targets (parity, error statistics, int8 gate). */
  holdout: { rows: Float32Array; targets: number[] };
  /** Holdout metrics of the model and of seasonal naive (manifest `metrics`). */
  metrics: RunMetrics;
  task: 'regression' | 'binary';
  objective: string;
  trainingDataSha256: string | null;
}

/** Loads a finished run for `fleetcast package --run` (FC_ERR_RUN_ARTIFACT_MISSING for an unfinished one). */
export function loadRunForPackaging(runId: string, dbPath: string = DEFAULT_RUNS_DB): RunForPackaging {
  return withStore(dbPath, (store) => {
    const arrays = store.loadArrays(runId);
    const { run } = arrays;
    if (!run.featureSpec || !run.featureNames || !run.metrics) throw new FleetcastError('FC_ERR_RUN_ARTIFACT_MISSING', `${runId} did not finish`, { runId });
    return {
      runId,
      model: arrays.model,
      featureSpec: run.featureSpec,
      featureNames: run.featureNames,
      sampleRows: arrays.sampleRows,
      holdout: { rows: arrays.holdoutRows, targets: arrays.holdoutTargets },
      metrics: run.metrics,
      task: run.target === 'stockout' ? 'binary' : 'regression',
      objective: run.objective,
      trainingDataSha256: run.dataSha256,
    };
  });
}
