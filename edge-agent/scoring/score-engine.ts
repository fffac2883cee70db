import { SHARE_ENV, Worker } from 'node:worker_threads';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ErrorCode } from '../../protocols/errors/catalog.js';
import { backoffDelayMs, type BackoffPolicy } from '../../protocols/runtime/backoff.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ActiveModel } from '../ports.js';
import { createAgentSession, ort } from './onnx-session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * Requests of at most this many rows run on the calling thread. `session.run` for a few rows
 * of a store model takes microseconds (bench/score: 7 µs p50 at batch 1), less than the
 * postMessage round trip to the worker, whose wake-up under load dominated the p99 target of
 * issue #5. Anything larger is heavy enough to go to the worker thread, off the broker's thread.
 */
export const INLINE_MAX_ROWS = 16;

/** Supervision of the scoring worker (issue #9 finding 9). */
export interface ScoreEngineOptions {
  /** A worker run not answered within this long counts as hung: it fails with FC_ERR_AGENT_SCORING_TIMEOUT and the worker is restarted. */
  runDeadlineMs: number;
  /** The same for loading a model into the worker (a swap never waits longer). */
  loadDeadlineMs: number;
  /** Delay before restarting a worker that died again without answering anything since its last restart. */
  restartBackoff: BackoffPolicy;
}

const DEFAULT_OPTIONS: ScoreEngineOptions = { runDeadlineMs: 10_000, loadDeadlineMs: 60_000, restartBackoff: { minMs: 100, maxMs: 30_000, jitter: 0.2 } };

/** One loaded model as requests see it. A request holds its slot from feature building to reply. */
export interface ModelSlot {
  readonly token: number;
  readonly model: ActiveModel;
  /** The same model loaded on this thread for small requests (see INLINE_MAX_ROWS). */
  readonly inlineSession: ort.InferenceSession;
  inFlight: number;
  retired: boolean;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: FleetcastError): void;
  timer: NodeJS.Timeout;
}

/**
 * Owns the onnxruntime worker thread and the serving model (issue #5 "Scoring"). Models swap
 * between requests, never during one: a request `acquire`s the current slot, and a replaced
 * slot is released in the worker only after its last request finished.
 *
 * The worker is supervised (issue #9): every run and load has a deadline; a worker that dies
 * or hangs is replaced by a fresh one that loads the live models again, and everything it
 * still owed is rejected with a coded error — so callers' in-flight counts always come back
 * down and a swap (and the update lease behind it) never waits forever.
 */
export class ScoreEngine {
  private readonly logger: Logger;
  private readonly options: ScoreEngineOptions;
  private worker: Worker | null;
  private readonly pendingRuns = new Map<number, Pending<Float32Array>>();
  private readonly pendingLoads = new Map<number, Pending<void>>();
  /** Slots loaded in the worker (current and retired ones still in use), loaded again after a restart. */
  private readonly live = new Map<number, ModelSlot>();
  private current: ModelSlot | null = null;
  private nextToken = 1;
  private nextRunId = 1;
  private restarts = 0;
  /** Deaths since the worker last answered: a worker that keeps dying is restarted with backoff. */
  private crashStreak = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(logger: Logger, options: Partial<ScoreEngineOptions> = {}) {
    this.logger = logger;
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.worker = this.spawn();
  }

  /** The slot new requests score with, or null when no model serves. */
  currentModel(): ActiveModel | null {
    return this.current?.model ?? null;
  }

  /** Times the worker was replaced since start (health and tests). */
  workerRestarts(): number {
    return this.restarts;
  }

  /** The worker thread now running (null while a restart waits for its backoff); for diagnostics and the supervision test. */
  workerThread(): Worker | null {
    return this.worker;
  }

  /** Loads `model` in the worker and makes it current; the old one keeps serving until then. */
  async swap(model: ActiveModel | null): Promise<void> {
    if (model === null) {
      this.retire(this.current);
      this.current = null;
      return;
    }
    const token = this.nextToken++;
    await this.loadInWorker(token, model);
    let inlineSession: ort.InferenceSession;
    try {
      inlineSession = await createAgentSession(model.modelPath);
    } catch (error) {
      this.post({ type: 'unload', token });
      throw new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', error instanceof Error ? error.message : String(error));
    }
    const previous = this.current;
    this.current = { token, model, inlineSession, inFlight: 0, retired: false };
    this.live.set(token, this.current);
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

  /** Runs one feature matrix (`rows × width`, row-major) through the slot's model; always settles. */
  run(slot: ModelSlot, data: Float32Array, rows: number): Promise<Float32Array> {
    if (rows <= INLINE_MAX_ROWS) return this.runInline(slot, data, rows);
    const id = this.nextRunId++;
    return this.send(this.pendingRuns, id, this.options.runDeadlineMs, () => this.onHung(id), { type: 'run', id, token: slot.token, rows, data }, [data.buffer as ArrayBuffer]);
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
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failPending('FC_ERR_AGENT_WORKER_RESTARTED', 'the agent is shutting down');
    await this.current?.inlineSession.release();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private loadInWorker(token: number, model: ActiveModel): Promise<void> {
    return this.send(this.pendingLoads, token, this.options.loadDeadlineMs, () => this.onHung(null), loadRequest(token, model));
  }

  /** Posts a request whose answer settles `pending[key]`, or `onLate` runs at the deadline. */
  private send<T>(pending: Map<number, Pending<T>>, key: number, deadlineMs: number, onLate: () => void, request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.worker) {
        reject(new FleetcastError('FC_ERR_AGENT_WORKER_RESTARTED', 'the scoring worker is restarting'));
        return;
      }
      pending.set(key, { resolve, reject, timer: setTimeout(onLate, deadlineMs) });
      this.post(request, transfer);
    });
  }

  private spawn(): Worker {
    // SHARE_ENV: the session factory turns onnxruntime telemetry off through the real environment.
    const worker = new Worker(new URL('./score-worker.js', import.meta.url), { env: SHARE_ENV });
    worker.on('message', (reply: WorkerReply) => {
      if (worker === this.worker) this.onReply(reply);
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'scoring worker failed'));
    worker.on('exit', (exitCode) => {
      if (worker === this.worker) this.onExit(exitCode);
    });
    return worker;
  }

  /**
   * A run or load missed its deadline: fail it as a timeout and replace the worker that hangs.
   * The old thread is abandoned, not terminated — terminating a thread inside `session.run`
   * aborts the whole process (onnxruntime-node 1.30) — and asked to shut down, which it does
   * cleanly once the stuck run returns; its late replies are ignored.
   */
  private onHung(runId: number | null): void {
    const worker = this.worker;
    if (!worker) return;
    if (runId !== null) this.settle(this.pendingRuns, runId)?.reject(new FleetcastError('FC_ERR_AGENT_SCORING_TIMEOUT', `no answer within ${this.options.runDeadlineMs} ms`));
    worker.postMessage({ type: 'shutdown' } satisfies WorkerRequest);
    worker.unref();
    this.replace('hung', null);
  }

  private onExit(exitCode: number): void {
    this.replace('exited', exitCode);
  }

  /** The worker is gone (died or abandoned): reject what it owed, then start a new one. */
  private replace(reason: 'hung' | 'exited', exitCode: number | null): void {
    this.worker = null;
    if (this.closing) return;
    this.failPending('FC_ERR_AGENT_WORKER_RESTARTED', `scoring worker ${reason}${exitCode === null ? '' : ` with ${exitCode}`}`);
    const delay = this.crashStreak === 0 ? 0 : backoffDelayMs(this.options.restartBackoff, this.crashStreak - 1);
    this.crashStreak += 1;
    this.logger.error({ reason, exitCode, restarts: this.restarts + 1, delayMs: delay }, 'scoring worker stopped; restarting');
    this.restartTimer = setTimeout(() => this.restart(), delay);
  }

  private restart(): void {
    this.restartTimer = null;
    if (this.closing) return;
    this.restarts += 1;
    this.worker = this.spawn();
    // Loaded again under the same tokens; requests may be posted at once (the worker waits for the load).
    for (const slot of this.live.values()) this.post(loadRequest(slot.token, slot.model));
  }

  private failPending(code: ErrorCode, detail: string): void {
    for (const [id] of this.pendingRuns) this.settle(this.pendingRuns, id)?.reject(new FleetcastError(code, detail));
    for (const [token] of this.pendingLoads) this.settle(this.pendingLoads, token)?.reject(new FleetcastError(code, detail));
  }

  /** Removes a pending entry and stops its deadline; undefined when it was settled already. */
  private settle<T>(pending: Map<number, Pending<T>>, key: number): Pending<T> | undefined {
    const entry = pending.get(key);
    if (!entry) return undefined;
    pending.delete(key);
    clearTimeout(entry.timer);
    return entry;
  }

  private retire(slot: ModelSlot | null): void {
    if (!slot) return;
    slot.retired = true;
    if (slot.inFlight === 0) this.unload(slot);
  }

  private unload(slot: ModelSlot): void {
    this.live.delete(slot.token);
    this.post({ type: 'unload', token: slot.token });
    void slot.inlineSession.release();
  }

  private post(request: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(request, transfer);
  }

  private onReply(reply: WorkerReply): void {
    this.crashStreak = 0;
    switch (reply.type) {
      case 'loaded':
        this.settle(this.pendingLoads, reply.token)?.resolve();
        break;
      case 'load-failed': {
        const pending = this.settle(this.pendingLoads, reply.token);
        if (pending) pending.reject(new FleetcastError('FC_ERR_AGENT_MODEL_LOAD_FAILED', reply.message));
        else this.logger.error({ token: reply.token, err: reply.message }, 'model could not be loaded again after a worker restart');
        break;
      }
      case 'result':
        this.settle(this.pendingRuns, reply.id)?.resolve(reply.values);
        break;
      case 'run-failed':
        this.settle(this.pendingRuns, reply.id)?.reject(new FleetcastError('FC_ERR_AGENT_SCORING_FAILED', reply.message));
        break;
      default: {
        const unreachable: never = reply;
        throw new Error(`unknown worker reply ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

function loadRequest(token: number, model: ActiveModel): WorkerRequest {
  return { type: 'load', token, modelPath: model.modelPath, inputName: model.manifest.input.name, outputName: model.manifest.output.name, width: model.manifest.input.features.length };
}
