/** Per-feature mean and standard deviation of the observed (non-missing) training values. */
export interface Standardization {
  mean: number[];
  std: number[];
}

/**
 * Statistics for the input standardisation of the MLP and linear models. Missing values are
 * skipped; a constant or all-missing feature gets std 1 so it standardises to 0 instead of NaN.
 */
export function computeStandardization(X: Float32Array, nRows: number, nFeatures: number): Standardization {
  const sum = new Float64Array(nFeatures);
  const sumSquares = new Float64Array(nFeatures);
  const count = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r += 1) {
    for (let f = 0; f < nFeatures; f += 1) {
      const value = X[r * nFeatures + f];
      if (Number.isNaN(value)) continue;
      sum[f] += value;
      sumSquares[f] += value * value;
      count[f] += 1;
    }
  }
  const mean = Array.from(sum, (s, f) => (count[f] > 0 ? s / count[f] : 0));
  const std = Array.from(sumSquares, (s, f) => {
    const variance = count[f] > 0 ? s / count[f] - mean[f] * mean[f] : 0;
    return variance > 1e-24 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/**
 * Row-major standardised copy; a missing value is imputed with the training mean, i.e. it
 * becomes 0 (the models store the mean as `inputImpute` so serving does the same).
 */
export function standardizeMatrix(X: Float32Array, nRows: number, nFeatures: number, stats: Standardization): Float64Array {
  const Z = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < Z.length; i += 1) {
    const f = i % nFeatures;
    const value = X[i];
    Z[i] = Number.isNaN(value) ? 0 : (value - stats.mean[f]) / stats.std[f];
  }
  return Z;
}
