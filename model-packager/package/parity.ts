import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** fp32 graphs must match the in-process model within this relative error (issue #4). */
export const PARITY_RELATIVE_TOLERANCE = 1e-5;

/**
 * Absolute floor of the parity check: float32 carries ~7 significant digits, so outputs near
 * zero are compared on an absolute scale of the output's magnitude instead.
 */
const ABSOLUTE_FLOOR_SCALE = 1e-6;

/** Result of a parity comparison; `worstRow` is where the largest relative error was. */
export interface ParityReport {
  rows: number;
  maxAbsoluteError: number;
  maxRelativeError: number;
  worstRow: number;
}

/**
 * Compares onnxruntime outputs with in-process predictions row by row; throws
 * FC_ERR_EXPORT_PARITY_FAILED when any row's |Δ| exceeds rel·|expected| + floor.
 */
export function checkParity(onnx: ArrayLike<number>, inProcess: ArrayLike<number>, relativeTolerance = PARITY_RELATIVE_TOLERANCE): ParityReport {
  const n = inProcess.length;
  if (onnx.length !== n) throw new FleetcastError('FC_ERR_EXPORT_PARITY_FAILED', `row count ${onnx.length} vs ${n}`);
  let scale = 0;
  for (let i = 0; i < n; i += 1) if (Number.isFinite(inProcess[i])) scale = Math.max(scale, Math.abs(inProcess[i]));
  const floor = scale * ABSOLUTE_FLOOR_SCALE;
  const report: ParityReport = { rows: n, maxAbsoluteError: 0, maxRelativeError: 0, worstRow: -1 };
  for (let i = 0; i < n; i += 1) {
    const diff = Math.abs(onnx[i] - inProcess[i]);
    const relative = diff / Math.max(Math.abs(inProcess[i]), Number.MIN_VALUE);
    const bothNaN = Number.isNaN(onnx[i]) && Number.isNaN(inProcess[i]);
    if (!bothNaN && !(diff <= relativeTolerance * Math.abs(inProcess[i]) + floor)) {
      throw new FleetcastError('FC_ERR_EXPORT_PARITY_FAILED', `row ${i}: onnx ${onnx[i]} vs in-process ${inProcess[i]}`, { row: i, onnx: onnx[i], inProcess: inProcess[i] });
    }
    if (diff > report.maxAbsoluteError) report.maxAbsoluteError = diff;
    if (relative > report.maxRelativeError && Number.isFinite(relative)) {
      report.maxRelativeError = relative;
      report.worstRow = i;
    }
  }
  return report;
}
