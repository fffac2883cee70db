import { SHARE_ENV, Worker } from 'node:worker_threads';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { errorCatalog } from '../../protocols/errors/catalog.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import type { OnnxWorkerReply, OnnxWorkerRequest } from './onnx-worker-protocol.js';
import type { PredictRow } from './schema.js';

/** Rebuilds a coded error that crossed the thread boundary (its message already carries the catalog text). */
function failure(reply: Extract<OnnxWorkerReply, { type: 'run-failed' }>): FleetcastError {
  if (!reply.code) return new FleetcastError('FC_ERR_PREDICT_FAILED', reply.message);
  const base = errorCatalog[reply.code].message;
  const detail = reply.message.startsWith(`${base}: `) ? reply.message.slice(base.length + 2) : undefined;
  return new FleetcastError(reply.code, detail, reply.details);
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: FleetcastError): void;
}

/** Main-thread handle on the onnxruntime worker thread (see onnx-worker.ts for why it is a thread). */
export class OnnxWorkerClient {
  private readonly worker: Worker;
  private readonly loads = new Map<string, Pending<void>>();
  private readonly runs = new Map<number, Pending<Float32Array>>();
  private nextRunId = 1;

  constructor() {
    // SHARE_ENV: the session factory turns onnxruntime telemetry off through the real environment.
    this.worker = new Worker(new URL('./onnx-worker.js', import.meta.url), { env: SHARE_ENV });
    this.worker.unref();
    this.worker.on('message', (reply: OnnxWorkerReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error.message));
  }

  /** Creates a session for `key` from the ONNX bytes. */
  load(key: string, model: Uint8Array, names: { inputName: string; outputName: string; width: number; featureSpec: FeatureSpec }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.loads.set(key, { resolve, reject });
      this.post({ type: 'load', key, model, ...names });
    });
  }

  /** Runs `rows` row-major feature rows through the model loaded as `key`. */
  run(key: string, data: Float32Array, rows: number): Promise<Float32Array> {
    const id = this.nextRunId++;
    return new Promise((resolve, reject) => {
      this.runs.set(id, { resolve, reject });
      this.post({ type: 'run', id, key, rows, data });
    });
  }

  /** Builds features for `rows` from `history` with the model's spec and scores them, all in the worker. */
  predict(key: string, rows: PredictRow[], history: HistoryActual[]): Promise<Float32Array> {
    const id = this.nextRunId++;
    return new Promise((resolve, reject) => {
      this.runs.set(id, { resolve, reject });
      this.post({ type: 'predict', id, key, rows, history });
    });
  }

  /** Releases the session of `key` (fire and forget: nothing waits on a release). */
  unload(key: string): void {
    this.worker.postMessage({ type: 'unload', key } satisfies OnnxWorkerRequest);
  }

  /** Ends the worker thread. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private post(request: OnnxWorkerRequest): void {
    if (this.loads.size + this.runs.size === 1) this.worker.ref();
    this.worker.postMessage(request);
  }

  private settled(): void {
    // An idle worker must not keep a CLI process alive.
    if (this.loads.size + this.runs.size === 0) this.worker.unref();
  }

  private onReply(reply: OnnxWorkerReply): void {
    if (reply.type === 'loaded' || reply.type === 'load-failed') {
      const pending = this.loads.get(reply.key);
      this.loads.delete(reply.key);
      if (reply.type === 'loaded') pending?.resolve();
      else pending?.reject(new FleetcastError('FC_ERR_PREDICT_FAILED', reply.message));
    } else {
      const pending = this.runs.get(reply.id);
      this.runs.delete(reply.id);
      if (reply.type === 'result') pending?.resolve(reply.values);
      else pending?.reject(failure(reply));
    }
    this.settled();
  }

  private failAll(message: string): void {
    for (const pending of [...this.loads.values(), ...this.runs.values()]) pending.reject(new FleetcastError('FC_ERR_PREDICT_FAILED', `onnx worker crashed: ${message}`));
    this.loads.clear();
    this.runs.clear();
  }
}
