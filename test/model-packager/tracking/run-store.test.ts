import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { getRun, loadRunModel, openRunStore } from '../../../model-packager/tracking/index.js';
import { TEST_LINEAR_MODEL, testFeatureSpec } from '../../helpers/bundle-fixtures.js';
import { repoRoot } from '../../helpers/paths.js';

/** The checkout's commit, or null when the tests run outside a git checkout (as the run store records it). */
function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const newRun = { objective: 'squared', target: 'units' as const, params: { trials: 1 }, dataPath: 'x.csv', dataSha256: 'a'.repeat(64), validationReport: { success: true } };

test('a run round-trips: params, iterations, metrics, spec, artifacts (float32 bit-exact), code version', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-runs-'));
  const dbPath = join(dir, 'nested', 'runs.db');
  const store = openRunStore(dbPath);
  const id = store.createRun(newRun, new Date('2026-01-02T03:04:05Z'));
  t.regex(id, /^run-20260102T030405-[0-9a-f]{6}$/);
  t.is(store.getRun(id).status, 'running');
  store.logIterations(id, [
    { iteration: 0, name: 'train', value: 2 },
    { iteration: 1, name: 'train', value: 1.5 },
  ]);
  const sampleRows = Float32Array.from([0.1, Number.NaN, -3e-7, 1e30]);
  const artifacts = store.saveArtifacts(id, { model: TEST_LINEAR_MODEL, sampleRows, holdoutRows: sampleRows.slice(0, 4), holdoutTargets: [1, 2.5], holdoutKeys: [['s1', 'i1', '2024-01-01'], ['s1', 'i1', '2024-01-02']] });
  store.finishRun(id, { modelKind: 'linear', params: { trials: 1, rounds: 3 }, featureSpec: testFeatureSpec(), featureNames: ['lag_7', 'day_of_week', 'store', 'item'], metrics: { model: { wape: 0.2 }, seasonalNaive: { wape: 0.3 } }, evaluation: { note: 1 }, artifacts });
  store.close();

  const run = getRun(id, dbPath);
  t.is(run.status, 'finished');
  t.deepEqual(run.params, { trials: 1, rounds: 3 });
  t.deepEqual(run.metrics, { model: { wape: 0.2 }, seasonalNaive: { wape: 0.3 } });
  t.deepEqual(run.featureSpec, testFeatureSpec());
  t.deepEqual(run.validationReport, { success: true });
  t.is(run.dataSha256, 'a'.repeat(64));
  t.is(run.codeVersion.gitCommit, headCommit());
  t.is(run.codeVersion.packageVersion, (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  t.deepEqual(loadRunModel(id, dbPath), TEST_LINEAR_MODEL);

  const reopened = openRunStore(dbPath);
  t.deepEqual(reopened.iterations(id), [
    { iteration: 0, name: 'train', value: 2 },
    { iteration: 1, name: 'train', value: 1.5 },
  ]);
  const arrays = reopened.loadArrays(id);
  t.deepEqual(new Uint32Array(arrays.sampleRows.buffer), new Uint32Array(sampleRows.buffer));
  t.deepEqual(arrays.holdoutKeys[1], ['s1', 'i1', '2024-01-02']);
  reopened.close();
  const raw = new Database(dbPath, { readonly: true });
  t.is(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
});

test('list is newest first; failures, missing runs and artifacts are coded', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-runs-'));
  const store = openRunStore(join(dir, 'runs.db'));
  const older = store.createRun(newRun, new Date('2026-01-01T00:00:00Z'));
  const newer = store.createRun(newRun, new Date('2026-01-05T00:00:00Z'));
  store.failRun(older, { code: 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY', message: 'x' });
  t.deepEqual(store.listRuns().map((r) => [r.id, r.status]), [[newer, 'running'], [older, 'failed']]);
  t.is(t.throws<FleetcastError>(() => store.getRun('run-missing'))?.code, 'FC_ERR_RUN_NOT_FOUND');
  t.is(t.throws<FleetcastError>(() => store.loadArrays(newer))?.code, 'FC_ERR_RUN_ARTIFACT_MISSING');
  const artifacts = store.saveArtifacts(newer, { model: TEST_LINEAR_MODEL, sampleRows: new Float32Array(4), holdoutRows: new Float32Array(4), holdoutTargets: [1], holdoutKeys: [['s1', 'i1', '2024-01-01']] });
  await writeFile(join(store.runsDir, artifacts.model), '{"kind":"nonsense"}');
  store.finishRun(newer, { modelKind: 'linear', params: {}, featureSpec: testFeatureSpec(), featureNames: ['a'], metrics: { model: {}, seasonalNaive: null }, evaluation: {}, artifacts });
  t.is(t.throws<FleetcastError>(() => store.loadArrays(newer))?.code, 'FC_ERR_RUN_ARTIFACT_MISSING');
  store.close();
  await writeFile(join(dir, 'file'), 'not a directory');
  t.is(t.throws<FleetcastError>(() => openRunStore(join(dir, 'file', 'runs.db')))?.code, 'FC_ERR_RUNS_DB_FAILED');
});
