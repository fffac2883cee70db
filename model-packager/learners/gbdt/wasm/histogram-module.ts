import { histogramWasmBase64 } from './histogram-wasm.js';
import { wasmApi, type WasmMemory } from './webassembly-api.js';

/** Exports of histogram.wat (pointers are byte offsets into the fit's shared memory). */
export interface HistogramExports {
  gather(rows: number, grad: number, hess: number, count: number, orderedGrad: number, orderedHess: number): void;
  /** `identity` 1: rows 0 … count−1 with g/h = grad/hess; 0: rows[i] with g/h the ordered gradients. */
  build(words: number, rows: number, g: number, h: number, count: number, histogram: number, identity: number): void;
}

let compiled: object | undefined;

/** Instantiates the histogram kernels on a fit's shared memory (compiled once per thread). */
export function instantiateHistogramKernels(memory: WasmMemory): HistogramExports {
  compiled ??= new wasmApi.Module(Buffer.from(histogramWasmBase64, 'base64'));
  const instance = new wasmApi.Instance(compiled, { env: { memory } });
  return instance.exports as unknown as HistogramExports;
}
