import { fitGbdt } from '../../model-packager/learners/gbdt/fit-gbdt.js';
import { predictModel } from '../../model-packager/models/predict.js';
import { readBenchMeta, readBenchSplit } from './data-files.js';
import { benchParams, type RunnerResult } from './shared-params.js';

/**
 * Child process of bench/train/run.ts: trains our GBDT on the bench files in argv[2] with
 * `rounds` = argv[3] and prints one RunnerResult line. A separate process so that its peak
 * RSS is its own.
 */
const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? benchParams.rounds);
const meta = readBenchMeta(dir);
const train = readBenchSplit(dir, 'train', meta.trainRows);
const test = readBenchSplit(dir, 'test', meta.testRows);
const started = performance.now();
const cpuStarted = process.cpuUsage();
const { model } = await fitGbdt({
  ...train,
  nFeatures: meta.nFeatures,
  featureNames: Array.from({ length: meta.nFeatures }, (_, f) => `x${f}`),
  params: { ...benchParams, rounds, objective: 'squared' },
  workers: 2,
});
const fitSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
const predictions = predictModel(model, test.X, test.nRows);
let squaredError = 0;
for (let i = 0; i < test.nRows; i += 1) squaredError += (predictions[i] - test.y[i]) ** 2;
const result: RunnerResult = {
  learner: 'fleetcast gbdt',
  fitSeconds,
  fitCpuSeconds: (cpu.user + cpu.system) / 1e6,
  holdoutRmse: Math.sqrt(squaredError / test.nRows),
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  trees: model.trees.length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
