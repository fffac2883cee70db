import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentSession, ort } from '../../edge-agent/scoring/onnx-session.js';
import { DriftWindow } from '../../edge-agent/drift/drift-window.js';
import { fitGbdt } from '../../model-packager/learners/gbdt/fit-gbdt.js';
import { gbdtToOnnx } from '../../model-packager/export/gbdt-to-onnx.js';
import { fixtureProfile, sampleRows, FEATURE_NAMES } from '../../test/protocols/drift/profile-fixture.js';

/**
 * bench/drift (issue #12): CPU the agent spends keeping drift window counts per 10,000 scored
 * rows (observeFeatures + observePredictions, and closing the window with every statistic),
 * beside the CPU of scoring the same rows with onnxruntime (`session.run`, the agent's session
 * options) in the same run; and the bytes a device sends per day for hourly windows.
 *
 *   node dist/bench/drift/run.js [--batch 50] [--rows-per-day 10000]
 */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const BATCH = flag('--batch', 50);
const ROWS_PER_DAY = flag('--rows-per-day', 10_000);
const ROWS = 10_000;
const REPEATS = 7;
const F = FEATURE_NAMES.length;

/** Median CPU milliseconds (user + system) of `work` over REPEATS runs, after one warm-up. */
async function cpuMs(work: () => Promise<void> | void): Promise<number> {
  await work();
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r += 1) {
    const before = process.cpuUsage();
    await work();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  return samples.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

const profile = fixtureProfile(5000, FEATURE_NAMES);
const matrix = sampleRows(ROWS, 7, FEATURE_NAMES, { price: 0.5 });
const batches = Array.from({ length: ROWS / BATCH }, (_, b) => matrix.subarray(b * BATCH * F, (b + 1) * BATCH * F));

// A GBDT of the usual size (300 trees, depth 6) on the same 30 features, exported as the bundle would be.
const trainRows = sampleRows(20_000, 3, FEATURE_NAMES);
const y = Float64Array.from({ length: 20_000 }, (_, r) => trainRows[r * F + 24] * 0.5 + trainRows[r * F] * 0.2 + Math.sin(r));
const { model } = await fitGbdt({ X: trainRows, y, nRows: 20_000, nFeatures: F, featureNames: FEATURE_NAMES, params: { rounds: 300, maxDepth: 6, learningRate: 0.1 } });
const dir = await mkdtemp(join(tmpdir(), 'fc-bench-drift-'));
const modelPath = join(dir, 'model.onnx');
await writeFile(modelPath, gbdtToOnnx(model));
const session = await createAgentSession(modelPath);
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];
const predictions: Float32Array[] = batches.map(() => new Float32Array(BATCH));

const scoring = await cpuMs(async () => {
  for (let b = 0; b < batches.length; b += 1) {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', batches[b], [BATCH, F]) });
    predictions[b] = out[outputName].data as Float32Array;
  }
});
const window = new DriftWindow({ name: 'bench', version: 1 }, profile, FEATURE_NAMES);
const counting = await cpuMs(() => {
  for (let b = 0; b < batches.length; b += 1) {
    window.observeFeatures(batches[b], BATCH);
    window.observePredictions(predictions[b]);
  }
});
const closing = await cpuMs(() => {
  window.observeFeatures(batches[0], BATCH);
  window.close();
});

// Bytes per device per day: 24 hourly window records of the day's rows, JSON as the uplink sends them.
const perHour = Math.round(ROWS_PER_DAY / 24);
const dayWindow = new DriftWindow({ name: 'bench', version: 1 }, profile, FEATURE_NAMES);
let bytesPerDay = 0;
let largest = 0;
for (let hour = 0; hour < 24; hour += 1) {
  const rows = sampleRows(perHour, 100 + hour, FEATURE_NAMES);
  dayWindow.observeFeatures(rows, perHour);
  const record = dayWindow.close(new Date(Date.UTC(2026, 10, 28, hour + 1)));
  const bytes = Buffer.byteLength(JSON.stringify({ ...record, seq: 1_000_000 + hour }));
  bytesPerDay += bytes;
  largest = Math.max(largest, bytes);
}
await session.release();
await rm(dir, { recursive: true, force: true });

console.log(`Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${ROWS} rows in requests of ${BATCH}, ${F} features, median CPU of ${REPEATS}`);
console.log('');
console.log('| per 10,000 scored rows | CPU ms | vs scoring |');
console.log('|---|---:|---:|');
console.log(`| drift window counts (observeFeatures + observePredictions) | ${counting.toFixed(2)} | ${((100 * counting) / scoring).toFixed(1)} % |`);
console.log(`| baseline: scoring (onnxruntime session.run, GBDT 300 trees depth 6) | ${scoring.toFixed(2)} | 100 % |`);
console.log(`| closing one window (every statistic, 30 features; once an hour) | ${closing.toFixed(2)} | – |`);
console.log('');
console.log(`drift records on the wire: ${bytesPerDay} bytes per device per day (24 hourly windows of ${perHour} rows, JSON), largest window ${largest} bytes`);
