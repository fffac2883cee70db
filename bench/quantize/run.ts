import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSalesData } from '../../model-packager/data/generator/generate-sales.js';
import { loadSalesData } from '../../model-packager/data/index.js';
import { deriveFeatureSpec } from '../../protocols/features/index.js';
import { buildTrainingDataset, selectRows } from '../../model-packager/train/dataset.js';
import { fitMlp } from '../../model-packager/learners/mlp/fit-mlp.js';
import { mlpToOnnx } from '../../model-packager/export/mlp-to-onnx.js';
import { quantizeWithGate } from '../../model-packager/package/quantization-gate.js';
import { repoRoot } from '../../test/helpers/paths.js';

/**
 * int8 vs fp32 MLP in onnxruntime-node (issue #4): file size, per-row latency at batch 1 and
 * 256 (median, one intra-op thread as on store hardware) and holdout WAPE, on sales from the
 * packager's generator with the default feature spec. fp32 is the baseline beside each figure.
 *
 *   node dist/bench/quantize/run.js [--stores 5 --items 10 --days 400 --hidden 128,64 --epochs 15]
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const stores = Number(option('stores', '5'));
const items = Number(option('items', '10'));
const days = Number(option('days', '400'));
const hidden = option('hidden', '128,64').split(',').map(Number);
const epochs = Number(option('epochs', '15'));
const HOLDOUT_DAYS = 28;
const CALIBRATION_ROWS = 2_000;

const dir = await mkdtemp(join(tmpdir(), 'fc-bench-quantize-'));
const generated = await generateSalesData({ stores, items, days, seed: 11, out: join(dir, 'sales.csv') });
const sales = await loadSalesData(generated.path);
const spec = deriveFeatureSpec(sales.rows, { defaultLocale: generated.storeLocales.defaultLocale, storeLocales: generated.storeLocales.storeLocales });
const dataset = buildTrainingDataset(sales.rows, spec, 'units');
const lastDay = dataset.day.reduce((max, day) => Math.max(max, day), -Infinity);
const train: number[] = [];
const holdout: number[] = [];
dataset.day.forEach((day, row) => (day > lastDay - HOLDOUT_DAYS ? holdout : train).push(row));
const trainSet = selectRows(dataset, Uint32Array.from(train));
const holdoutSet = selectRows(dataset, Uint32Array.from(holdout));
const f = dataset.names.length;

const fitStart = performance.now();
const { model } = fitMlp({ ...trainSet, nFeatures: f, featureNames: dataset.names, params: { objective: 'poisson', hiddenLayers: hidden, epochs, batchSize: 128, learningRate: 0.002, seed: 1 } });
const fitSeconds = (performance.now() - fitStart) / 1000;
const calibrationIndex = Uint32Array.from({ length: Math.min(CALIBRATION_ROWS, train.length) }, (_, k) => train[Math.floor((k * train.length) / Math.min(CALIBRATION_ROWS, train.length))]);
const calibration = selectRows(dataset, calibrationIndex).X;

const fp32Bytes = mlpToOnnx(model);
const { decision } = await quantizeWithGate({ model, fp32Bytes, calibrationRows: calibration, holdoutRows: holdoutSet.X, holdoutTargets: holdoutSet.y });
const ratio = (a: number, b: number) => (a / b).toFixed(3);
const relativeWape = decision.int8.wape / decision.fp32.wape - 1;
const result = {
  data: { stores, items, days, features: f, trainRows: train.length, holdoutRows: holdout.length, calibrationRows: calibrationIndex.length },
  mlp: { hidden, epochs, fitSeconds: Number(fitSeconds.toFixed(1)) },
  decision,
  sizeRatio: decision.int8.sizeBytes / decision.fp32.sizeBytes,
  latencyRatioBatch1: decision.int8.latencyUsBatch1 / decision.fp32.latencyUsBatch1,
  latencyRatioBatch256: decision.int8.latencyUsBatch256 / decision.fp32.latencyUsBatch256,
  wapeRelativeChange: relativeWape,
  node: process.version,
};
const table = [
  `data: ${stores} stores × ${items} items × ${days} days, ${f} features (default spec), ${train.length} train / ${holdout.length} holdout rows; MLP ${hidden.join('-')} Poisson, ${epochs} epochs (${fitSeconds.toFixed(1)} s)`,
  '',
  '| | fp32 (baseline) | int8 per-channel (MatMulInteger) | int8 / fp32 |',
  '|---|---:|---:|---:|',
  `| model file (bytes) | ${decision.fp32.sizeBytes} | ${decision.int8.sizeBytes} | ${ratio(decision.int8.sizeBytes, decision.fp32.sizeBytes)} |`,
  `| latency per row, batch 1 (µs) | ${decision.fp32.latencyUsBatch1.toFixed(2)} | ${decision.int8.latencyUsBatch1.toFixed(2)} | ${ratio(decision.int8.latencyUsBatch1, decision.fp32.latencyUsBatch1)} |`,
  `| latency per row, batch 256 (µs) | ${decision.fp32.latencyUsBatch256.toFixed(3)} | ${decision.int8.latencyUsBatch256.toFixed(3)} | ${ratio(decision.int8.latencyUsBatch256, decision.fp32.latencyUsBatch256)} |`,
  `| holdout WAPE | ${decision.fp32.wape.toFixed(5)} | ${decision.int8.wape.toFixed(5)} | ${(relativeWape * 100).toFixed(3)} % relative |`,
  '',
  `gate (WAPE at most +${(decision.gate.maxRelativeIncrease * 100).toFixed(1)} % relative): int8 ${decision.shipped ? 'SHIPS' : 'does NOT ship'}`,
].join('\n');
process.stdout.write(`${table}\n`);
const resultsDir = join(repoRoot, 'bench', 'results');
await mkdir(resultsDir, { recursive: true });
await writeFile(join(resultsDir, 'quantize.json'), `${JSON.stringify(result, null, 2)}\n`);
