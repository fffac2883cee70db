import type { FeatureSpec } from '../../protocols/features/spec.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import type { ErrorCode } from '../../protocols/errors/catalog.js';
import type { PredictRow } from './schema.js';

/** Messages between the controller's onnxruntime worker thread and its client. */
export type OnnxWorkerRequest =
  | { type: 'load'; key: string; model: Uint8Array; inputName: string; outputName: string; width: number; featureSpec: FeatureSpec }
  /** Scores ready-made feature rows (row-major, `rows × width`). */
  | { type: 'run'; id: number; key: string; rows: number; data: Float32Array }
  /** Builds features from rows + history with the shared executor, then scores — all off the main thread. */
  | { type: 'predict'; id: number; key: string; rows: PredictRow[]; history: HistoryActual[] }
  | { type: 'unload'; key: string };

export type OnnxWorkerReply =
  | { type: 'loaded'; key: string }
  | { type: 'load-failed'; key: string; message: string }
  | { type: 'result'; id: number; values: Float32Array }
  /** `code` is set when the failure was a coded error (e.g. FC_ERR_UNKNOWN_STORE from the executor). */
  | { type: 'run-failed'; id: number; message: string; code?: ErrorCode; details?: Record<string, unknown> };
