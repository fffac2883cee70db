import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';

/**
 * Solves A·x = b for a symmetric positive-definite `A` (row-major n×n) by Cholesky
 * decomposition; the normal equations of ridge regression have this form. A singular
 * system (collinear features without an L2 penalty) is FC_ERR_TRAIN_INVALID_INPUT.
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = A[i * n + j];
      for (let k = 0; k < j; k += 1) sum -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(sum > 1e-12 * Math.max(1, Math.abs(A[i * n + i])))) {
          throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `features are collinear (pivot ${i}); set l2 > 0`, { feature: i });
        }
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / L[j * n + j];
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let sum = b[i];
    for (let k = 0; k < i; k += 1) sum -= L[i * n + k] * z[k];
    z[i] = sum / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = z[i];
    for (let k = i + 1; k < n; k += 1) sum -= L[k * n + i] * x[k];
    x[i] = sum / L[i * n + i];
  }
  return x;
}
