import { createRandom } from '../../../model-packager/learners/random.js';

/** A small row-major data set for learner tests. */
export interface TestSet {
  X: Float32Array;
  y: Float64Array;
  nRows: number;
  nFeatures: number;
  featureNames: string[];
}

/** Builds a set from a row generator: `row(random)` returns the features, `target(x, random)` the label. */
export function makeSet(nRows: number, nFeatures: number, seed: number, row: (random: () => number) => number[], target: (x: number[], random: () => number) => number): TestSet {
  const random = createRandom(seed);
  const X = new Float32Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r += 1) {
    const x = row(random).map((v) => Math.fround(v));
    X.set(x, r * nFeatures);
    y[r] = target(x, random);
  }
  return { X, y, nRows, nFeatures, featureNames: Array.from({ length: nFeatures }, (_, f) => `x${f}`) };
}

/** Poisson draw (Knuth) from a seeded uniform source. */
export function poissonDraw(mean: number, random: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random();
  while (product > limit) {
    k += 1;
    product *= random();
  }
  return k;
}

export function rmse(predicted: Float64Array, actual: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) formula. */
export function auc(scores: Float64Array, labels: Float64Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  order.forEach((row, rank) => {
    if (labels[row] === 1) {
      rankSum += rank + 1;
      positives += 1;
    }
  });
  const negatives = labels.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
