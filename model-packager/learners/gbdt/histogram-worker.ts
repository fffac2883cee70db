import { parentPort, workerData } from 'node:worker_threads';
import { HistogramKernel, type KernelInit, type LevelTask } from './histogram-kernel.js';

/**
 * Worker-thread entry of the histogram pool: owns a slice of the features and answers one
 * LevelTask per message with that slice's best splits (issue #3: "worker threads so both
 * cores build histograms").
 */
const kernel = new HistogramKernel(workerData as KernelInit);
parentPort?.on('message', (task: LevelTask) => {
  const result = kernel.processLevel(task);
  parentPort?.postMessage(result, [result.buffer as ArrayBuffer]);
});
