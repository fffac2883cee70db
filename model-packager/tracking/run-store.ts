import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { assertValidId } from '../../protocols/ids.js';
import { resolveUnder } from '../../protocols/paths.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import { trainedModelSchema, type TrainedModel } from '../models/trained-model.js';
import { baselineVerdict } from './baseline-verdict.js';
import { codeVersion } from './code-version.js';
import { runRecordSchema, type IterationMetric, type RunArtifacts, type RunMetrics, type RunRecord } from './run-record.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  model_kind TEXT,
  objective TEXT NOT NULL,
  target TEXT NOT NULL,
  params_json TEXT NOT NULL,
  metrics_json TEXT,
  evaluation_json TEXT,
  data_path TEXT,
  data_sha256 TEXT,
  feature_spec_json TEXT,
  feature_names_json TEXT,
  validation_report_json TEXT,
  artifacts_json TEXT,
  code_version_json TEXT NOT NULL,
  error_json TEXT
);
CREATE TABLE IF NOT EXISTS iterations (
  run_id TEXT NOT NULL REFERENCES runs(id),
  iteration INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, name, iteration)
);
`;

/** Row of `runs list`: the headline numbers of one run. */
export interface RunSummary {
  id: string;
  status: RunRecord['status'];
  createdAt: string;
  modelKind: string | null;
  objective: string;
  target: RunRecord['target'];
  /** Holdout WAPE of the model and of seasonal naive (regression runs). */
  wape: number | null;
  seasonalNaiveWape: number | null;
  movingAverageWape: number | null;
  /** True when the holdout WAPE loses to a baseline (`baselineVerdict`); null without one. */
  worseThanBaseline: boolean | null;
}

/** What `createRun` records up front (the rest arrives with `finishRun`). */
export interface NewRun {
  objective: string;
  target: RunRecord['target'];
  params: Record<string, unknown>;
  dataPath: string | null;
  dataSha256: string | null;
  validationReport: unknown;
}

/** What `finishRun` records. */
export interface FinishedRun {
  modelKind: string;
  /** The objective trained, when it was chosen after `createRun` (from the data, or by tuning). */
  objective?: string;
  params: Record<string, unknown>;
  featureSpec: FeatureSpec;
  featureNames: string[];
  metrics: RunMetrics;
  evaluation: Record<string, unknown>;
  artifacts: RunArtifacts;
}

/** Arrays saved beside a run for packaging (int8 calibration, reference profile, parity, gate). */
export interface RunArrays {
  model: TrainedModel;
  sampleRows: Float32Array;
  holdoutRows: Float32Array;
  holdoutTargets: number[];
  /** [store, item, date] of each holdout row. */
  holdoutKeys: [string, string, string][];
}

type RunRow = Record<string, string | null>;

function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Run id: sortable by creation time, unique across machines (random suffix). */
function newRunId(now: Date): string {
  return `run-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Experiment tracking in SQLite (issue #3): one row per run with params, final metrics, data
 * hash, feature spec, validation report, artifact paths and code version; per-iteration
 * metrics in their own table. WAL so `runs list` can read while a training run writes.
 * Artifacts are files under `<db dir>/runs/<id>/`.
 */
export class RunStore {
  readonly dbPath: string;
  readonly runsDir: string;
  private readonly db: Database.Database;

  constructor(dbPath: string) {
    this.dbPath = resolve(dbPath);
    this.runsDir = join(dirname(this.dbPath), 'runs');
    try {
      mkdirSync(dirname(this.dbPath), { recursive: true });
      this.db = new Database(this.dbPath);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new FleetcastError('FC_ERR_RUNS_DB_FAILED', `${this.dbPath}: ${(error as Error).message}`, { path: this.dbPath }, { cause: error });
    }
  }

  /** Records a new run in state `running` and returns its id. */
  createRun(run: NewRun, now = new Date()): string {
    const id = newRunId(now);
    this.db
      .prepare(
        `INSERT INTO runs (id, status, created_at, objective, target, params_json, data_path, data_sha256, validation_report_json, code_version_json)
         VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, now.toISOString(), run.objective, run.target, JSON.stringify(run.params), run.dataPath, run.dataSha256, JSON.stringify(run.validationReport ?? null), JSON.stringify(codeVersion()));
    return id;
  }

  /** Appends per-iteration metrics (one transaction). */
  logIterations(runId: string, metrics: readonly IterationMetric[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO iterations (run_id, iteration, name, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const metric of metrics) insert.run(runId, metric.iteration, metric.name, metric.value);
    })();
  }

  /** Writes model and matrices under the run's directory; returns their relative paths. */
  saveArtifacts(runId: string, arrays: RunArrays): RunArtifacts {
    const dir = resolveUnder(this.runsDir, assertValidId(runId, 'run id'));
    const artifacts: RunArtifacts = { model: `${runId}/model.json`, sampleRows: `${runId}/sample-rows.f32`, holdoutRows: `${runId}/holdout-rows.f32`, holdoutTargets: `${runId}/holdout-targets.json` };
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(resolveUnder(this.runsDir, artifacts.model), JSON.stringify(arrays.model));
      writeFileSync(resolveUnder(this.runsDir, artifacts.sampleRows), float32Bytes(arrays.sampleRows));
      writeFileSync(resolveUnder(this.runsDir, artifacts.holdoutRows), float32Bytes(arrays.holdoutRows));
      writeFileSync(resolveUnder(this.runsDir, artifacts.holdoutTargets), JSON.stringify({ targets: arrays.holdoutTargets, keys: arrays.holdoutKeys }));
    } catch (error) {
      throw new FleetcastError('FC_ERR_RUNS_DB_FAILED', `cannot write artifacts of ${runId}: ${(error as Error).message}`, { runId }, { cause: error });
    }
    return artifacts;
  }

  /** Marks a run finished with its results. */
  finishRun(runId: string, result: FinishedRun, now = new Date()): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'finished', finished_at = ?, model_kind = ?, objective = COALESCE(?, objective), params_json = ?, metrics_json = ?, evaluation_json = ?,
         feature_spec_json = ?, feature_names_json = ?, artifacts_json = ? WHERE id = ?`,
      )
      .run(now.toISOString(), result.modelKind, result.objective ?? null, JSON.stringify(result.params), JSON.stringify(result.metrics), JSON.stringify(result.evaluation), JSON.stringify(result.featureSpec), JSON.stringify(result.featureNames), JSON.stringify(result.artifacts), runId);
  }

  /** Marks a run failed with the coded error that stopped it. */
  failRun(runId: string, error: { code: string; message: string }, now = new Date()): void {
    this.db.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error_json = ? WHERE id = ?`).run(now.toISOString(), JSON.stringify(error), runId);
  }

  /** The full record of a run; FC_ERR_RUN_NOT_FOUND when there is none. */
  getRun(runId: string): RunRecord {
    // Run ids name directories under runs/ (issue #9 finding 2): `--run ..` is refused here.
    assertValidId(runId, 'run id');
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) throw new FleetcastError('FC_ERR_RUN_NOT_FOUND', runId, { runId });
    const metrics = parseJson(row.metrics_json) as RunMetrics | null;
    return runRecordSchema.parse({
      id: row.id,
      status: row.status,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      modelKind: row.model_kind,
      objective: row.objective,
      target: row.target,
      params: parseJson(row.params_json),
      metrics,
      evaluation: parseJson(row.evaluation_json),
      dataPath: row.data_path,
      dataSha256: row.data_sha256,
      featureSpec: parseJson(row.feature_spec_json),
      featureNames: parseJson(row.feature_names_json),
      validationReport: parseJson(row.validation_report_json),
      artifacts: parseJson(row.artifacts_json),
      codeVersion: parseJson(row.code_version_json),
      error: parseJson(row.error_json),
      baseline: baselineVerdict(metrics),
    });
  }

  /** Runs, newest first. */
  listRuns(): RunSummary[] {
    const rows = this.db.prepare('SELECT id, status, created_at, model_kind, objective, target, metrics_json FROM runs ORDER BY created_at DESC, id DESC').all() as RunRow[];
    return rows.map((row) => {
      const metrics = parseJson(row.metrics_json) as RunMetrics | null;
      return {
        id: row.id as string,
        status: row.status as RunRecord['status'],
        createdAt: row.created_at as string,
        modelKind: row.model_kind,
        objective: row.objective as string,
        target: row.target as RunRecord['target'],
        wape: metrics?.model.wape ?? null,
        seasonalNaiveWape: metrics?.seasonalNaive?.wape ?? null,
        movingAverageWape: metrics?.movingAverage?.wape ?? null,
        worseThanBaseline: baselineVerdict(metrics)?.worseThanBaseline ?? null,
      };
    });
  }

  /** Per-iteration metrics of a run, by iteration then name. */
  iterations(runId: string): IterationMetric[] {
    return this.db.prepare('SELECT iteration, name, value FROM iterations WHERE run_id = ? ORDER BY iteration, name').all(runId) as IterationMetric[];
  }

  /** The trained model and the saved matrices of a finished run. */
  loadArrays(runId: string): RunArrays & { run: RunRecord } {
    const run = this.getRun(runId);
    if (!run.artifacts) throw new FleetcastError('FC_ERR_RUN_ARTIFACT_MISSING', `${runId} has no artifacts (status ${run.status})`, { runId });
    // Artifact paths come from the database: each must stay under runs/ (protocols/paths.ts).
    const [modelPath, targetsPath, samplePath, holdoutPath] = [run.artifacts.model, run.artifacts.holdoutTargets, run.artifacts.sampleRows, run.artifacts.holdoutRows].map((path) => resolveUnder(this.runsDir, path));
    try {
      const model = trainedModelSchema.parse(JSON.parse(readFileSync(modelPath, 'utf8')));
      const holdout = JSON.parse(readFileSync(targetsPath, 'utf8')) as { targets: number[]; keys: [string, string, string][] };
      return {
        run,
        model,
        sampleRows: readFloat32(samplePath),
        holdoutRows: readFloat32(holdoutPath),
        holdoutTargets: holdout.targets,
        holdoutKeys: holdout.keys,
      };
    } catch (error) {
      throw new FleetcastError('FC_ERR_RUN_ARTIFACT_MISSING', `${runId}: ${(error as Error).message}`, { runId }, { cause: error });
    }
  }

  close(): void {
    this.db.close();
  }
}

function float32Bytes(values: Float32Array): Buffer {
  const copy = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i += 1) copy.writeFloatLE(values[i], i * 4);
  return copy;
}

function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i += 1) values[i] = bytes.readFloatLE(i * 4);
  return values;
}
