/**
 * The part of the WebAssembly JS API the histogram kernels use. Node 20 has it, but neither
 * lib ES2023 nor @types/node 20 declares the `WebAssembly` namespace, so it is typed here
 * rather than pulling the DOM lib into the whole project.
 */
export interface WasmMemory {
  /** A shared memory's buffer is a SharedArrayBuffer (fixed size here: no grow). */
  readonly buffer: SharedArrayBuffer;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
