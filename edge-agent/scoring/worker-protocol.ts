/** Messages between the scorer (main thread) and its onnxruntime worker thread. */
export type WorkerRequest =
  | { type: 'load'; token: number; modelPath: string; inputName: string; outputName: string; width: number }
  | { type: 'unload'; token: number }
  | { type: 'shutdown' }
  | { type: 'run'; id: number; token: number; rows: number; data: Float32Array };

export type WorkerReply =
  | { type: 'loaded'; token: number }
  | { type: 'load-failed'; token: number; message: string }
  | { type: 'result'; id: number; values: Float32Array }
  | { type: 'run-failed'; id: number; message: string };
