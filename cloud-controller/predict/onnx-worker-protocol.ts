/** Messages between the controller's onnxruntime worker thread and its client. */
export type OnnxWorkerRequest =
  | { type: 'load'; key: string; model: Uint8Array; inputName: string; outputName: string; width: number }
  | { type: 'run'; id: number; key: string; rows: number; data: Float32Array }
  | { type: 'unload'; key: string };

export type OnnxWorkerReply =
  | { type: 'loaded'; key: string }
  | { type: 'load-failed'; key: string; message: string }
  | { type: 'result'; id: number; values: Float32Array }
  | { type: 'run-failed'; id: number; message: string };
