import type { KeyObject } from 'node:crypto';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import { predictModel } from '../models/predict.js';
import { DEFAULT_RUNS_DB, loadRunForPackaging } from '../tracking/index.js';
import { assembleBundle, type AssembledBundle } from './assemble-bundle.js';

/** Inputs of `fleetcast package --run`. */
export interface RunPackageOptions {
  runId: string;
  runsDb?: string;
  /** Model name; default `units` or `stockout` after the run's target. */
  name?: string;
  version?: number;
  quantize: { maxRelativeIncrease?: number } | null;
  privateKey: KeyObject;
  minAgentVersion?: string;
  progress?: ProgressReporter;
}

/** Keeps finite metric values only: the manifest carries finite numbers (e.g. MAPE can be ∞). */
function finiteMetrics(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

/**
 * Packages a tracked run: its model (parity against `predictModel` on the holdout), feature
 * spec and order, training sample, holdout, and model vs seasonal-naive metrics.
 */
export async function packageRun(options: RunPackageOptions): Promise<AssembledBundle> {
  const run = loadRunForPackaging(options.runId, options.runsDb ?? DEFAULT_RUNS_DB);
  const featureCount = run.featureNames.length;
  return assembleBundle({
    name: options.name ?? (run.task === 'binary' ? 'stockout' : 'units'),
    version: options.version ?? 1,
    packaged: { source: 'trained', model: run.model, inProcessPredict: (rows) => predictModel(run.model, rows, rows.length / featureCount) },
    featureSpec: run.featureSpec,
    featureNames: run.featureNames,
    sampleRows: run.sampleRows,
    holdout: run.holdout,
    metrics: { model: finiteMetrics(run.metrics.model), seasonalNaive: run.metrics.seasonalNaive ? finiteMetrics(run.metrics.seasonalNaive) : null },
    runId: run.runId,
    trainingDataSha256: run.trainingDataSha256,
    minAgentVersion: options.minAgentVersion,
    quantize: options.quantize,
    privateKey: options.privateKey,
    progress: options.progress,
  });
}
