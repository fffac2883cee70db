import { Prng } from '../../../model-packager/data/generator/prng.js';
import type { GbdtModel, Link, MlpModel, Objective, Tree } from '../../../model-packager/models/trained-model.js';

/** Seeded uniform [0, 1) numbers (the generator's mulberry32) so every parity case is reproducible. */
export function seeded(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/**
 * Feature rows with a mix of scales, integer-valued columns (exact threshold hits) and
 * ~5% missing values; row-major float32, as the agent feeds onnxruntime.
 */
export function randomRows(random: () => number, n: number, f: number, missingShare = 0.05): Float32Array {
  const rows = new Float32Array(n * f);
  for (let i = 0; i < rows.length; i += 1) {
    const column = i % f;
    const value = column % 3 === 0 ? Math.floor(random() * 10) : column % 3 === 1 ? random() * 1000 - 500 : random() * 1e-3;
    rows[i] = random() < missingShare ? Number.NaN : value;
  }
  return rows;
}

/**
 * A random tree whose thresholds are taken from data values — sometimes exactly (so `x ==
 * threshold` must go left) and sometimes nudged by less than a float32 ulp (so thresholds
 * are not float32 numbers and naive rounding would flip rows).
 */
function randomTree(random: () => number, rows: Float32Array, f: number, depth: number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], value: [] };
  const grow = (level: number): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.missingGoesLeft.push(false);
    tree.value.push(0);
    if (level === depth || random() < 0.15) {
      tree.value[id] = (random() - 0.5) * 0.4;
      return id;
    }
    const feature = Math.floor(random() * f);
    let sample = Number.NaN;
    while (Number.isNaN(sample)) sample = rows[Math.floor(random() * (rows.length / f)) * f + feature];
    const nudge = random() < 0.5 ? 0 : (random() - 0.5) * Math.abs(sample) * 1e-8;
    tree.feature[id] = feature;
    tree.threshold[id] = sample + nudge;
    tree.missingGoesLeft[id] = random() < 0.5;
    tree.left[id] = grow(level + 1);
    tree.right[id] = grow(level + 1);
    return id;
  };
  grow(0);
  return tree;
}

/** A random GBDT over `rows` with the given objective and link. */
export function randomGbdt(random: () => number, rows: Float32Array, f: number, options: { trees: number; depth: number; objective: Objective; link: Link }): GbdtModel {
  return {
    kind: 'gbdt',
    objective: options.objective,
    link: options.link,
    baseScore: random() - 0.5,
    featureNames: Array.from({ length: f }, (_, i) => `f${i}`),
    trees: Array.from({ length: options.trees }, () => randomTree(random, rows, f, options.depth)),
  };
}

/** A random MLP (He-initialised ReLU layers) with standardisation fitted to `rows`. */
export function randomMlp(random: () => number, rows: Float32Array, f: number, hidden: number[], link: Link = 'identity'): MlpModel {
  const mean = new Array<number>(f).fill(0);
  const std = new Array<number>(f).fill(0);
  const counts = new Array<number>(f).fill(0);
  for (let i = 0; i < rows.length; i += 1) if (!Number.isNaN(rows[i])) { mean[i % f] += rows[i]; counts[i % f] += 1; }
  for (let c = 0; c < f; c += 1) mean[c] /= Math.max(1, counts[c]);
  for (let i = 0; i < rows.length; i += 1) if (!Number.isNaN(rows[i])) std[i % f] += (rows[i] - mean[i % f]) ** 2;
  for (let c = 0; c < f; c += 1) std[c] = Math.sqrt(std[c] / Math.max(1, counts[c])) || 1;
  const widths = [f, ...hidden, 1];
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const layers = widths.slice(1).map((out, l) => ({
    weights: Array.from({ length: out }, () => Array.from({ length: widths[l] }, () => normal() * Math.sqrt(2 / widths[l]))),
    bias: Array.from({ length: out }, () => (random() - 0.5) * 0.1),
    activation: l === widths.length - 2 ? ('identity' as const) : ('relu' as const),
  }));
  return { kind: 'mlp', objective: link === 'exp' ? 'poisson' : 'squared', link, featureNames: Array.from({ length: f }, (_, i) => `f${i}`), inputMean: mean, inputStd: std, outputScale: link === 'exp' ? 0.5 : 10, outputOffset: link === 'exp' ? 1 : 50, layers };
}
