import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';

interface TrainJson {
  ok: boolean;
  runId: string;
  model: { kind: string; objective: string };
  metrics: { model: Record<string, number>; seasonalNaive: Record<string, number>; movingAverage: Record<string, number> };
  improvementOverSeasonalNaive: number;
  tuning: { trials: number } | null;
  error?: { code: string };
}

function parse<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

test('fleetcast train on generated data beats seasonal naive by ≥ 20% WAPE; runs list/show/compare round-trip', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-cli-'));
  const csv = join(dir, 'sales.csv');
  const db = join(dir, 'tracking', 'runs.db');
  const generated = await runCli(['data', 'generate', '--stores', '5', '--items', '10', '--days', '500', '--seed', '11', '--out', csv, '--json']);
  t.is(generated.code, 0, generated.stderr);

  const trained = await runCli(['train', '--data', csv, '--model', 'gbdt', '--runs-db', db, '--json']);
  t.is(trained.code, 0, trained.stdout + trained.stderr);
  const result = parse<TrainJson>(trained.stdout);
  t.log(`holdout WAPE ${result.metrics.model.wape.toFixed(4)} vs seasonal naive ${result.metrics.seasonalNaive.wape.toFixed(4)} (improvement ${(result.improvementOverSeasonalNaive * 100).toFixed(1)}%)`);
  t.true(result.ok);
  t.regex(result.runId, /^run-\d{8}T\d{6}-[0-9a-f]{6}$/);
  t.true(result.improvementOverSeasonalNaive >= 0.2);
  t.is(result.improvementOverSeasonalNaive, 1 - result.metrics.model.wape / result.metrics.seasonalNaive.wape);
  t.true(result.metrics.model.wape < result.metrics.movingAverage.wape);

  // Second run: invalid data (one negative units cell) is refused unless --allow-invalid-data; tuning path.
  const small = join(dir, 'small.csv');
  t.is((await runCli(['data', 'generate', '--stores', '2', '--items', '3', '--days', '200', '--seed', '5', '--out', small])).code, 0);
  const lines = (await readFile(small, 'utf8')).split('\n');
  lines[5] = lines[5].replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1-5');
  await writeFile(small, lines.join('\n'));
  const refused = await runCli(['train', '--data', small, '--runs-db', db, '--json']);
  t.is(refused.code, 1);
  t.is(parse<TrainJson>(refused.stdout).error?.code, 'FC_ERR_DATA_VALIDATION_FAILED');
  const tuned = await runCli(['train', '--data', small, '--allow-invalid-data', '--trials', '4', '--time-budget', '60', '--folds', '1', '--runs-db', db, '--json']);
  t.is(tuned.code, 0, tuned.stdout + tuned.stderr);
  const tunedResult = parse<TrainJson>(tuned.stdout);
  t.true((tunedResult.tuning?.trials ?? 0) >= 4);

  const list = await runCli(['runs', 'list', '--runs-db', db, '--json']);
  t.is(list.code, 0);
  const runs = parse<{ id: string; status: string; wape: number | null; seasonalNaiveWape: number | null; worseThanBaseline: boolean | null }[]>(list.stdout);
  t.deepEqual(runs.map((r) => r.id).sort(), [result.runId, tunedResult.runId].sort());
  const first = runs.find((r) => r.id === result.runId);
  t.is(first?.status, 'finished');
  t.is(first?.wape, result.metrics.model.wape);
  t.is(first?.seasonalNaiveWape, result.metrics.seasonalNaive.wape);
  t.is(first?.worseThanBaseline, false, 'a run that beats both baselines is not marked');

  const show = await runCli(['runs', 'show', result.runId, '--runs-db', db, '--json']);
  t.is(show.code, 0);
  const run = parse<{ id: string; dataSha256: string; dataPath: string; featureSpec: { horizon: number }; metrics: unknown; validationReport: { success: boolean }; codeVersion: { packageVersion: string }; iterations: { name: string }[]; artifacts: { model: string } }>(show.stdout);
  t.is(run.id, result.runId);
  t.is(run.dataSha256, parse<{ sha256: string }>(generated.stdout).sha256);
  t.is(run.dataPath, csv);
  t.is(run.featureSpec.horizon, 1);
  t.true(run.validationReport.success);
  t.deepEqual(run.metrics, { model: result.metrics.model, seasonalNaive: result.metrics.seasonalNaive, movingAverage: result.metrics.movingAverage });
  t.regex(run.codeVersion.packageVersion, /^\d+\.\d+\.\d+$/);
  t.true(run.iterations.some((m) => m.name === 'holdout'));
  const model = JSON.parse(await readFile(join(dir, 'tracking', 'runs', run.artifacts.model), 'utf8')) as { kind: string };
  t.is(model.kind, 'gbdt');

  const compare = await runCli(['runs', 'compare', result.runId, tunedResult.runId, '--runs-db', db, '--json']);
  t.is(compare.code, 0);
  const comparison = parse<{ runs: string[]; metrics: { metric: string; values: number[]; delta: number }[] }>(compare.stdout);
  const wape = comparison.metrics.find((m) => m.metric === 'wape');
  t.deepEqual(wape?.values[0], result.metrics.model.wape);
  t.is(wape?.delta, tunedResult.metrics.model.wape - result.metrics.model.wape);
  // Human output shows what a person reads; --json above keeps full precision (issue #11).
  const compareText = await runCli(['runs', 'compare', result.runId, tunedResult.runId, '--runs-db', db]);
  t.regex(compareText.stdout, /^wape\s/m);
  t.notRegex(compareText.stdout, /\.\d{8,}/);

  const missing = await runCli(['runs', 'show', 'run-nope', '--runs-db', db, '--json']);
  t.is(missing.code, 66);
  t.is(parse<TrainJson>(missing.stdout).error?.code, 'FC_ERR_RUN_NOT_FOUND');
  const badFlag = await runCli(['train', '--data', csv, '--horizon', 'soon', '--runs-db', db, '--json']);
  t.is(parse<TrainJson>(badFlag.stdout).error?.code, 'FC_ERR_TRAIN_INVALID_PARAMS');
  t.is(badFlag.code, 64);
});
