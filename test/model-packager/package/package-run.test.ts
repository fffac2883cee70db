import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { runTraining } from '../../../model-packager/train/run-training.js';
import { openRunStore } from '../../../model-packager/tracking/index.js';
import type { BundleManifest } from '../../../protocols/bundle/manifest.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeSigningKey, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { loadSalesData } from '../../../model-packager/data/index.js';

const logger = createLogger('test', { level: 'silent' });
let dir: string;
let runsDb: string;
let unitsRun: string;
let stockoutRun: string;
let mlpRun: string;
let keyPath: string;
let trustPath: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-package-run-'));
  runsDb = join(dir, 'runs.db');
  const store = openRunStore(runsDb);
  const generated = await generateSalesData({ stores: 3, items: 5, days: 300, seed: 5, out: join(dir, 'sales.csv') });
  const sales = await loadSalesData(generated.path);
  const data = { rows: sales.rows, dataPath: generated.path, dataSha256: sales.dataSha256, validationReport: null };
  const locales = { locale: generated.storeLocales.defaultLocale, storeLocales: generated.storeLocales.storeLocales };
  unitsRun = (await runTraining(data, { model: 'gbdt', folds: 1, ...locales }, { store, logger, json: true })).runId;
  stockoutRun = (await runTraining(data, { model: 'gbdt', target: 'stockout', folds: 1, ...locales }, { store, logger, json: true })).runId;
  mlpRun = (await runTraining(data, { model: 'mlp', folds: 1, ...locales }, { store, logger, json: true })).runId;
  store.close();
  const key = makeSigningKey();
  ({ privateKeyPath: keyPath, publicKeyPath: trustPath } = await writeKeyFiles(dir, key));
});

test('package --run writes a signed GBDT bundle ≤ 2 MB that verifies, with parity and baseline metrics', async (t) => {
  const out = join(dir, 'units.fcb');
  const result = await runCli(['package', '--run', unitsRun, '--runs-db', runsDb, '--key', keyPath, '--out', out, '--version', '3', '--json']);
  t.is(result.code, 0, result.stdout);
  const body = JSON.parse(result.stdout) as { sizeBytes: number; manifest: BundleManifest; parity: { rows: number; maxAbsoluteError: number } };
  t.true(body.sizeBytes <= 2 * 1024 * 1024, `${body.sizeBytes} bytes`);
  t.is(body.manifest.model.kind, 'gbdt');
  t.is(body.manifest.model.name, 'units');
  t.is(body.manifest.model.version, 3);
  t.is(body.manifest.model.task, 'regression');
  t.is(body.manifest.runId, unitsRun);
  t.regex(body.manifest.trainingDataSha256 ?? '', /^[0-9a-f]{64}$/);
  t.deepEqual(body.manifest.opsets, { '': 13, 'ai.onnx.ml': 3 });
  t.true(body.parity.rows > 0);
  t.truthy(body.manifest.metrics.seasonalNaive?.wape);
  t.true(body.manifest.metrics.model.wape < body.manifest.metrics.seasonalNaive!.wape);
  t.deepEqual(body.manifest.input.features.map((f) => f.name).slice(-2), ['store', 'item']);
  const verify = await runCli(['bundle', 'verify', out, '--trust', trustPath, '--agent-version', '0.1.0', '--json']);
  t.is(verify.code, 0, verify.stdout);
  const inspect = await runCli(['bundle', 'inspect', out]);
  t.regex(inspect.stdout, /wape\s+\S+\s+\S+/);
  t.regex(inspect.stdout, /quantization: none/);
});

test('a stockout run packages as a binary task with sigmoid output', async (t) => {
  const out = join(dir, 'stockout.fcb');
  const result = await runCli(['package', '--run', stockoutRun, '--runs-db', runsDb, '--key', keyPath, '--out', out, '--json']);
  t.is(result.code, 0, result.stdout);
  const body = JSON.parse(result.stdout) as { manifest: BundleManifest };
  t.is(body.manifest.model.task, 'binary');
  t.is(body.manifest.model.objective, 'logistic');
  t.is(body.manifest.metrics.seasonalNaive, null);
});

test('package --run --quantize int8 on an MLP run records the measured gate decision and ships int8 only when it passes', async (t) => {
  const out = join(dir, 'mlp.fcb');
  const result = await runCli(['package', '--run', mlpRun, '--runs-db', runsDb, '--key', keyPath, '--out', out, '--quantize', 'int8', '--json']);
  t.is(result.code, 0, result.stdout);
  const { manifest } = JSON.parse(result.stdout) as { manifest: BundleManifest };
  t.is(manifest.model.kind, 'mlp');
  const q = manifest.quantization!;
  t.is(q.scheme, 'int8-qoperator');
  t.is(q.gate.maxRelativeIncrease, 0.01);
  t.is(q.shipped, q.int8.wape <= q.fp32.wape * 1.01);
  t.is(manifest.files.some((f) => f.path === 'model.int8.onnx'), q.shipped);
  t.true(q.int8.sizeBytes < q.fp32.sizeBytes);
  t.true(q.calibrationRows > 0);
  const verify = await runCli(['bundle', 'verify', out, '--trust', trustPath, '--json']);
  t.is(verify.code, 0, verify.stdout);
});

test('package refuses int8 for trees, unknown runs, a missing key and an over-size limit with codes', async (t) => {
  const code = async (args: string[]) => (JSON.parse((await runCli([...args, '--json'])).stdout) as { error?: { code: string } }).error?.code;
  t.is(await code(['package', '--run', unitsRun, '--runs-db', runsDb, '--key', keyPath, '--out', join(dir, 'x.fcb'), '--quantize', 'int8']), 'FC_ERR_QUANTIZE_UNSUPPORTED');
  t.is(await code(['package', '--run', 'no-such-run', '--runs-db', runsDb, '--key', keyPath, '--out', join(dir, 'x.fcb')]), 'FC_ERR_RUN_NOT_FOUND');
  t.is(await code(['package', '--run', unitsRun, '--runs-db', runsDb, '--key', join(dir, 'missing.pem'), '--out', join(dir, 'x.fcb')]), 'FC_ERR_KEY_FILE_UNREADABLE');
  await writeFile(join(dir, 'not-a-key.pem'), 'hello');
  t.is(await code(['package', '--run', unitsRun, '--runs-db', runsDb, '--key', join(dir, 'not-a-key.pem'), '--out', join(dir, 'x.fcb')]), 'FC_ERR_KEY_INVALID');
  t.is(await code(['package', '--run', unitsRun, '--runs-db', runsDb, '--key', keyPath, '--out', join(dir, 'x.fcb'), '--max-bytes', '1000']), 'FC_ERR_BUNDLE_TOO_LARGE');
  t.is(await code(['package', '--key', keyPath, '--out', join(dir, 'x.fcb')]), 'FC_ERR_PACKAGE_INPUT_INVALID');
});
