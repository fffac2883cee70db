import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ActiveModel } from '../ports.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * Requests of at most this many rows run on the calling thread. `session.run` for a few rows
 * of a store model takes microseconds (bench/score: 7 µs p50 at batch 1), less than the
 * postMessage round trip to the worker, whose wake-up under load dominated the p99 target of
 * issue #5. Anything larger is heavy enough to go to the worker thread, off the broker's thread.
 */
export const INLINE_MAX_ROWS = 16;

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };

/** One loaded model as requests see it. A request holds its slot from feature building to reply. */
export interface ModelSlot {
  readonly token: number;
  readonly model: ActiveModel;
  /** The same model loaded on this thread for small requests (see INLINE_MAX_ROWS). */
  readonly inlineSession: ort.InferenceSession;
  inFlight: number;
  retired: boolean;
}

interface PendingRun {
  resolve(values: Float32Array): void;
  reject(error: FleetcastError): void;
}

/**
 * Owns the onnxruntime worker thread and the serving model (issue #5 "Scoring"). Models swap
 * between requests, never during one: a request `acquire`s the current slot, and a replaced
 * slot is released in the worker only after its last request finished.
 */
export class ScoreEngine {
  private readonly worker: Worker;
  private readonly logger: Logger;
  private readonly pendingRuns = new Map<number, PendingRun>();
  private readonly pendingLoads = new Map<number, { resolve(): void; reject(error: FleetcastError): void }>();
  private current: ModelSlot | null = null;
  private nextToken = 1;
  private nextRunId = 1;

  constructor(logger: Logger) {
    this.logger = logger;
    this.worker = new Worker(new URL('./score-worker.js', import.meta.url));
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    this.worker.on('error', (error) => {
      this.logger.error({ err: error }, 'score worker crashed');
      for (const run of this.pendingRuns.values()) run.reject(new FleetcastError('FC_ERR_AGENT_SCORING_FAILED', 'score worker crashed'));
      this.pendingRuns.clear();
    });
  }

  /** The slot new requests score with, or null when no model serves. */
  currentModel(): ActiveModel | null {
    return this.current?.model ?? null;
  }

  /** Loads `model` in the worker and makes it current; the old one keeps serving until then. */
  async swap(model: ActiveModel | null): Promise<void> {
    if (model === null) {
      this.retire(this.current);
      this.current = null;
      return;
    }
    const token = this.nextToken++;
    await new Promise<void>((resolve, reject) => {
      this.pendingLoads.set(token, { resolve, reject });
      this.post({
        type: 'load',
        token,
        modelPath: model.modelPath,
        inputName: model.manifest.input.name,
        outputName: model.manifest.output.name,
        width: model.manifest.input.features.length,
      });
    });
    const inlineSession = await ort.InferenceSession.create(model.modelPath, SESSION_OPTIONS);
    const previous = this.current;
    this.current = { token, model, inlineSession, inFlight: 0, retired: false };
    this.retire(previous);
    this.logger.info({ model: model.ref }, 'model serving');
  }

  /** Takes the current slot for one request; `release` must follow. */
  acquire(): ModelSlot {
    const slot = this.current;
    if (!slot) throw new FleetcastError('FC_ERR_AGENT_NO_MODEL');
    slot.inFlight += 1;
    return slot;
  }

  /** Ends a request's hold on its slot; frees a replaced model after its last request. */
  release(slot: ModelSlot): void {
    slot.inFlight -= 1;
    if (slot.retired && slot.inFlight === 0) this.unload(slot);
  }

  /** Runs one feature matrix (`rows × width`, row-major) through the slot's model. */
  run(slot: ModelSlot, data: Float32Array, rows: number): Promise<Float32Array> {
    if (rows <= INLINE_MAX_ROWS) return this.runInline(slot, data, rows);
    const id = this.nextRunId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pendingRuns.set(id, { resolve, reject });
      this.post({ type: 'run', id, token: slot.token, rows, data }, [data.buffer as ArrayBuffer]);
    });
  }

  private async runInline(slot: ModelSlot, data: Float32Array, rows: number): Promise<Float32Array> {
    const { input, output } = slot.model.manifest;
    try {
      const tensor = new ort.Tensor('float32', data, [rows, input.features.length]);
      const outputs = await slot.inlineSession.run({ [input.name]: tensor }, [output.name]);
      return Float32Array.from((outputs[output.name].data as Float32Array).subarray(0, rows));
    } catch (error) {
      throw new FleetcastError('FC_ERR_AGENT_SCORING_FAILED', error instanceof Error ? error.message : String(error));
    }
  }

  /** Stops the worker thread (daemon shutdown): sessions released first, terminate only as a fallback. */
  async close(): Promise<void> {
    await this.current?.inlineSession.release();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private retire(slot: ModelSlot | null): void {
    if (!slot) return;
    slot.retired = true;
    if (slot.inFlight === 0) this.unload(slot);
  }

  private unload(slot: ModelSlot): void {
    this.post({ type: 'unload', token: slot.token });
    void slot.inlineSession.release();
  }

  private post(request: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  private onReply(reply: WorkerReply): void {
    switch (reply.type) {
      case 'loaded': {
        this.pendingLoads.get(reply.token)?.resolve();
        this.pendingLoads.delete(reply.token);
        break;
      }
      case 'load-failed': {
        this.pendingLoads.get(reply.token)?.reject(new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', reply.message));
        this.pendingLoads.delete(reply.token);
        break;
      }
      case 'result': {
        this.pendingRuns.get(reply.id)?.resolve(reply.values);
        this.pendingRuns.delete(reply.id);
        break;
      }
      case 'run-failed': {
        this.pendingRuns.get(reply.id)?.reject(new FleetcastError('FC_ERR_AGENT_SCORING_FAILED', reply.message));
        this.pendingRuns.delete(reply.id);
        break;
      }
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown worker reply ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
