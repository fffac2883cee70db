import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleManifest } from '../../protocols/bundle/manifest.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import { featureNames } from '../../protocols/features/feature-names.js';
import type { GbdtModel, Tree } from '../../model-packager/models/trained-model.js';
import { predictModel } from '../../model-packager/models/predict.js';
import { assembleBundle } from '../../model-packager/package/assemble-bundle.js';
import { makeSigningKey } from '../../test/helpers/bundle-fixtures.js';
import { makeModelDir } from '../../test/edge-agent/helpers/agent-fixture.js';
import { runCli } from '../../test/helpers/run-cli.js';

/** One model bench/score serves, with the history and the request row that go with it. */
export interface BenchModel {
  /** Short label of the table rows. */
  label: string;
  description: string;
  /** Temp dir holding `model/` (unpacked bundle); the agent's config goes here too. */
  root: string;
  modelDir: string;
  manifest: BundleManifest;
  /** Actuals sent to the agent before measuring (lags and rolling statistics read them). */
  actuals: Array<{ store: string; item: string; date: string; units: number; price?: number; promo?: boolean }>;
  /** The row of every score request. */
  row: Record<string, unknown>;
}

const GENERATED = { stores: 5, items: 10, days: 500, seed: 11 };
/** Days of history sent to the agent: the longest look-back of the models below (364) plus margin. */
const HISTORY_DAYS = 400;

async function unpack(bytes: Buffer, root: string): Promise<{ modelDir: string; manifest: BundleManifest }> {
  const modelDir = join(root, 'model');
  await mkdir(modelDir, { recursive: true });
  const bundle = await readBundle(bytes);
  for (const [name, content] of bundle.files) await writeFile(join(modelDir, name), content);
  return { modelDir, manifest: JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8')) as BundleManifest };
}

async function cli(args: string[], cwd: string): Promise<string> {
  const result = await runCli([...args, '--json'], { cwd, timeoutMs: 1_800_000 });
  if (result.code !== 0) throw new Error(`fleetcast ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Generated sales (the chain `fleetcast data generate` writes), as actuals rows. */
async function generatedSales(dir: string): Promise<{ csv: string; rows: BenchModel['actuals']; lastDate: string }> {
  const csv = join(dir, 'sales.csv');
  await cli(['data', 'generate', '--stores', String(GENERATED.stores), '--items', String(GENERATED.items), '--days', String(GENERATED.days), '--seed', String(GENERATED.seed), '--out', csv], dir);
  const [header, ...lines] = (await readFile(csv, 'utf8')).trim().split('\n');
  const columns = header.split(',');
  const at = (name: string): number => columns.indexOf(name);
  const rows = lines.map((line) => line.split(',')).map((cells) => ({
    store: cells[at('store')],
    item: cells[at('item')],
    date: cells[at('date')],
    units: Number(cells[at('units')]),
    price: Number(cells[at('price')]),
    promo: cells[at('promo')] === 'true',
  }));
  const lastDate = rows.reduce((last, row) => (row.date > last ? row.date : last), '');
  const cutoff = new Date(Date.parse(lastDate) - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  return { csv, rows: rows.filter((row) => row.date > cutoff), lastDate };
}

const nextDay = (date: string): string => new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);

function requestRow(store: string, item: string, lastDate: string): Record<string, unknown> {
  return { store, item, date: nextDay(lastDate), price: 2.49, promo: false, tempC: 12.5, precipMm: 0.4 };
}

/** The 4-feature, 2-tree test bundle the agent's tests serve. */
async function tinyModel(): Promise<BenchModel> {
  const { root, modelDir, bundle } = await makeModelDir('gbdt');
  return { label: 'test bundle', description: 'test/helpers/bundle-fixtures.ts GBDT: 2 trees, 4 features', root, modelDir, manifest: bundle.manifest, actuals: [], row: { store: 's1', item: 'i2', date: '2026-12-01' } };
}

/** The model `fleetcast train` picks with its defaults on generated data, packaged by `fleetcast package`. */
async function trainedModel(sales: Awaited<ReturnType<typeof generatedSales>>, dir: string): Promise<BenchModel> {
  const root = await mkdtemp(join(tmpdir(), 'fc-bench-trained-'));
  const trained = JSON.parse(await cli(['train', '--data', sales.csv, '--runs-db', join(dir, 'runs.db')], dir)) as { runId: string };
  await cli(['keys', 'generate', '--out', join(dir, 'signer')], dir);
  const out = join(dir, 'trained.fcb');
  await cli(['package', '--run', trained.runId, '--runs-db', join(dir, 'runs.db'), '--key', join(dir, 'signer.key.pem'), '--out', out, '--name', 'demand', '--version', '1'], dir);
  const { modelDir, manifest } = await unpack(await readFile(out), root);
  const learner = manifest.model.kind;
  return {
    label: 'trained (default)',
    description: `\`fleetcast train\` defaults on \`data generate --stores ${GENERATED.stores} --items ${GENERATED.items} --days ${GENERATED.days} --seed ${GENERATED.seed}\`: ${learner}, ${manifest.input.features.length} features`,
    root,
    modelDir,
    manifest,
    actuals: sales.rows,
    row: requestRow(sales.rows[0].store, sales.rows[0].item, sales.lastDate),
  };
}

/** 30 features: 8 lags, 4 rolling windows × mean/std, calendar, holidays, price, promo, weather, store, item. */
function wideSpec(stores: string[], items: string[]): FeatureSpec {
  return {
    version: 1,
    horizon: 1,
    calendar: { dayOfWeek: true, dayOfMonth: true, month: true, weekOfYear: true, holidays: { enabled: true, window: 7, defaultLocale: { country: 'US' }, storeLocales: {} } },
    lags: [1, 2, 3, 7, 14, 21, 28, 364],
    rolling: [7, 14, 28, 56].map((window) => ({ window, stats: ['mean', 'std'] as Array<'mean' | 'std'> })),
    price: { enabled: true, relativeWindow: 28 },
    promo: true,
    weather: ['tempC', 'precipMm'],
    encodings: { store: { kind: 'ordinal', vocabulary: stores }, item: { kind: 'ordinal', vocabulary: items } },
  };
}

/** A full binary tree of `depth` levels over `width` features, from a seeded generator. */
function randomTree(depth: number, width: number, next: () => number): Tree {
  const internal = 2 ** depth - 1;
  const nodes = 2 ** (depth + 1) - 1;
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], value: [] };
  for (let node = 0; node < nodes; node += 1) {
    const leaf = node >= internal;
    tree.feature.push(leaf ? -1 : Math.floor(next() * width));
    tree.threshold.push(leaf ? 0 : next() * 20);
    tree.left.push(leaf ? -1 : 2 * node + 1);
    tree.right.push(leaf ? -1 : 2 * node + 2);
    tree.missingGoesLeft.push(!leaf && next() < 0.5);
    tree.value.push(leaf ? (next() - 0.5) * 0.02 : 0);
  }
  return tree;
}

/** The large model of issue #15: 300 trees of depth 6 over the 30-feature spec above. */
async function wideGbdt(sales: Awaited<ReturnType<typeof generatedSales>>): Promise<BenchModel> {
  const root = await mkdtemp(join(tmpdir(), 'fc-bench-gbdt300-'));
  const stores = [...new Set(sales.rows.map((row) => row.store))].sort();
  const items = [...new Set(sales.rows.map((row) => row.item))].sort();
  const spec = wideSpec(stores, items);
  const names = featureNames(spec);
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const model: GbdtModel = { kind: 'gbdt', objective: 'poisson', link: 'exp', baseScore: 1, featureNames: names, trees: Array.from({ length: 300 }, () => randomTree(6, names.length, next)) };
  const rowsOf = (n: number): Float32Array => Float32Array.from({ length: n * names.length }, () => next() * 20);
  const holdout = rowsOf(64);
  const built = await assembleBundle({
    name: 'demand-wide',
    version: 1,
    packaged: { source: 'trained', model, inProcessPredict: (rows) => predictModel(model, rows, rows.length / names.length) },
    featureSpec: spec,
    featureNames: names,
    sampleRows: rowsOf(256),
    holdout: { rows: holdout, targets: Array.from(predictModel(model, holdout, 64)) },
    metrics: { model: { wape: 0.2, mae: 1 }, seasonalNaive: { wape: 0.3, mae: 1.5 } },
    runId: null,
    trainingDataSha256: null,
    quantize: null,
    privateKey: makeSigningKey().privateKey,
  });
  const { modelDir, manifest } = await unpack(built.bytes, root);
  return {
    label: 'GBDT 300×d6',
    description: `300 trees of depth 6 over ${names.length} features (lags, rolling mean/std, calendar, holidays, price, promo, weather, store, item)`,
    root,
    modelDir,
    manifest,
    actuals: sales.rows,
    row: requestRow(stores[0], items[0], sales.lastDate),
  };
}

/**
 * Builds the bench models in this run: the test bundle, the model `fleetcast train` picks (through
 * the real CLI; skipped with `trained: false`, it takes minutes) and the 300-tree GBDT.
 */
export async function benchModels(progress: (line: string) => void, options: { trained: boolean } = { trained: true }): Promise<BenchModel[]> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-bench-data-'));
  progress('building the test bundle');
  const tiny = await tinyModel();
  progress('generating sales data');
  const sales = await generatedSales(dir);
  const trained = options.trained ? [await (progress('training the default model (fleetcast train) and packaging it'), trainedModel(sales, dir))] : [];
  progress('building the 300-tree GBDT bundle');
  const wide = await wideGbdt(sales);
  return [tiny, ...trained, wide];
}
