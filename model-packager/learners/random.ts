/**
 * Seeded pseudo-random numbers (mulberry32) so that row/column subsampling, weight
 * initialisation and shuffling are reproducible from `seed` alone (issue #3: "subsampling
 * deterministic with a seed"). Math.random cannot be seeded.
 */
export function createRandom(seed: number): () => number {
  let state = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
