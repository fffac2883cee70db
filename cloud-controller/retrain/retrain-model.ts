import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { parsePrivateKeyPem } from '../../protocols/bundle/keys.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import { loadSalesData } from '../../model-packager/data/load-sales-data.js';
import { packageRun } from '../../model-packager/package/package-run.js';
import { DEFAULT_RUNS_DB, loadRunForPackaging, openRunStore } from '../../model-packager/tracking/index.js';
import { runTraining } from '../../model-packager/train/run-training.js';
import { parseTrainingOptions } from '../../model-packager/train/training-options.js';
import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/schema.js';
import { compareOnHoldout } from './holdout-comparison.js';
import type { RetrainLog, RetrainRecord } from './retrain-log.js';

/** What a retraining needs. */
export interface RetrainDependencies {
  registry: Registry;
  log: RetrainLog;
  logger: Logger;
  runsDb?: string;
  /** Path of the PEM private key the candidate is signed with. */
  signingKey?: string;
  now?: () => Date;
}

/** One retraining request. */
export interface RetrainRequest {
  model: string;
  /** Sales CSV with the newest data. */
  data: string;
  alertId: string | null;
  actor: string;
}

function championOf(registry: Registry, model: string): ModelVersion {
  try {
    return registry.getModelVersion(model, 'Production');
  } catch (error) {
    throw new FleetcastError('FC_ERR_RETRAIN_NO_CHAMPION', `${model} has no Production version`, { model }, { cause: error });
  }
}

/**
 * Retrains `model` (issue #12): reads the current Production version's training run, trains
 * on the newest data with that run's configuration, compares both on the candidate's holdout,
 * packages and registers the candidate in Development with the alert in its history entry and
 * tags. It never promotes: Production stays as it was until an operator decides.
 */
export async function retrainModel(deps: RetrainDependencies, request: RetrainRequest): Promise<RetrainRecord> {
  if (!deps.signingKey) throw new FleetcastError('FC_ERR_RETRAIN_CONFIG', 'retrain.signingKey is not set');
  const runsDb = deps.runsDb ?? DEFAULT_RUNS_DB;
  const keyPath = deps.signingKey;
  const privateKey = parsePrivateKeyPem(await readFile(keyPath).catch((error: unknown) => {
    throw new FleetcastError('FC_ERR_RETRAIN_CONFIG', `retrain.signingKey ${keyPath}: ${(error as Error).message}`, { path: keyPath }, { cause: error });
  }));
  const champion = championOf(deps.registry, request.model);
  if (!champion.runId) throw new FleetcastError('FC_ERR_RETRAIN_NO_CHAMPION', `${request.model}@${champion.version} has no training run`, { model: request.model });
  const store = openRunStore(runsDb);
  let runId: string;
  let holdoutDays: number;
  const sales = await loadSalesData(request.data, { failOnCritical: true });
  try {
    const championRun = store.getRun(champion.runId);
    // The champion's recorded options (learner, objective, horizon, splits, locales, seed); unknown keys are dropped.
    const options = parseTrainingOptions(championRun.params);
    holdoutDays = options.holdoutDays;
    deps.logger.info({ model: request.model, champion: champion.version, alert: request.alertId }, 'retraining');
    const result = await runTraining({ rows: sales.rows, dataPath: request.data, dataSha256: sales.dataSha256, validationReport: sales.report }, options, { store, logger: deps.logger, json: true });
    runId = result.runId;
  } finally {
    store.close();
  }
  const holdout = compareOnHoldout(loadRunForPackaging(champion.runId, runsDb), loadRunForPackaging(runId, runsDb), sales.rows, holdoutDays);
  const version = Math.max(...deps.registry.listVersions(request.model).map((entry) => entry.version)) + 1;
  const bundle = await packageRun({ runId, runsDb, name: request.model, version, quantize: null, privateKey });
  const dir = await mkdtemp(join(tmpdir(), 'fc-retrain-'));
  try {
    const path = join(dir, `${request.model}-v${version}.fcb`);
    await writeFile(path, bundle.bytes);
    const reason = `retrained from ${request.model}@${champion.version} on ${request.data}${request.alertId ? ` for alert ${request.alertId}` : ''}; holdout WAPE ${holdout.candidateWape.toFixed(4)} vs champion ${holdout.championWape.toFixed(4)}`;
    await deps.registry.push(path, request.actor, reason);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (request.alertId) deps.registry.setTag(request.model, version, 'alert', request.alertId);
  deps.registry.setTag(request.model, version, 'retrainedFrom', String(champion.version));
  const record: RetrainRecord = { model: request.model, version, runId, championVersion: champion.version, alertId: request.alertId, holdout, at: (deps.now ?? (() => new Date()))().toISOString() };
  deps.log.record(record);
  deps.logger.info({ ...record }, 'candidate registered in Development');
  return record;
}
