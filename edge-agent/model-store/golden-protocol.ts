/** Messages between `runGoldenCheck` and its onnxruntime worker thread. */
export interface GoldenJob {
  modelPath: string;
  inputName: string;
  outputName: string;
  width: number;
  rows: Float32Array;
}

export type GoldenJobResult = { ok: true; outputs: Float32Array } | { ok: false; message: string };
