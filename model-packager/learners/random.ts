import { Prng } from '../data/generator/prng.js';

/**
 * Seeded pseudo-random numbers so that row/column subsampling, weight initialisation and
 * shuffling are reproducible from `seed` alone (issue #3: "subsampling deterministic with a
 * seed"; Math.random cannot be seeded). The generator's mulberry32, with the seed mixed so that
 * learner seed N does not replay the data generator's stream for seed N.
 */
export function createRandom(seed: number): () => number {
  const prng = new Prng((seed ^ 0x9e3779b9) >>> 0);
  return () => prng.next();
}

/** Standard normal draws (Box–Muller) from a seeded uniform source, for weight initialisation. */
export function createNormalRandom(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Fisher–Yates shuffle in place with a seeded source. */
export function shuffleInPlace(values: Uint32Array, uniform: () => number): void {
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = Math.floor(uniform() * (i + 1));
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
}
