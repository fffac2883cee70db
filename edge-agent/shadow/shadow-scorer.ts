import { clampPredictions } from '../../protocols/bundle/prediction-bounds.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ActiveModel } from '../ports.js';
import type { ModelContexts } from '../scoring/model-contexts.js';
import { createAgentSession, ort } from '../scoring/onnx-session.js';
import type { ServedPredictions } from '../storage/served-predictions.js';

/**
 * Rows per shadow run. `session.run` blocks the thread it runs on; runs of at most this many
 * rows take tens of microseconds for a store model, so a POS request arriving meanwhile waits
 * no longer than that (issue #13: shadow scoring moves the POS p99 by at most 10 %).
 */
export const SHADOW_ROWS_PER_RUN = 64;
/**
 * Rows of this long a span are scored together: one run per batch instead of one per request
 * costs a fraction of the CPU, and the fewer, shorter bursts rarely meet a POS request
 * (bench/score/shadow.ts measured p50 +30 % when every request's rows ran right after its reply).
 */
export const SHADOW_BATCH_MS = 20;
/** Rows waiting for the shadow model at most; beyond it rows are not shadow-scored (counted). */
export const SHADOW_MAX_PENDING_ROWS = 10_000;

interface LoadedShadow {
  model: ActiveModel;
  session: ort.InferenceSession;
  sampleRate: number;
}

/**
 * Scores the challenger of a shadow experiment on the rows the POS sent, never on the reply's
 * path (issue #13): the score handler hands rows over after the reply is published, they queue
 * here, and a drain every SHADOW_BATCH_MS runs them in small batches between other events. The
 * forecasts are remembered as `shadow` served predictions, to be matched with actuals.
 */
export class ShadowScorer {
  private readonly contexts: ModelContexts;
  private readonly served: ServedPredictions;
  private readonly logger: Logger;
  private loaded: LoadedShadow | null = null;
  private pending: ScoreRow[] = [];
  private draining: Promise<void> | null = null;
  /** Rows not shadow-scored because the queue was full or the run failed (diagnostics). */
  skippedRows = 0;
  /** Rows shadow-scored since start. */
  scoredRows = 0;

  constructor(contexts: ModelContexts, served: ServedPredictions, logger: Logger) {
    this.contexts = contexts;
    this.served = served;
    this.logger = logger;
  }

  /** The challenger now scored, or null. */
  current(): ModelRef | null {
    return this.loaded?.model.ref ?? null;
  }

  /** Loads `model` as the shadow (replacing any other) once its session is ready. */
  async load(model: ActiveModel, sampleRate: number): Promise<void> {
    const session = await createAgentSession(model.modelPath);
    const previous = this.loaded;
    await this.draining;
    this.loaded = { model, session, sampleRate };
    await previous?.session.release();
    this.logger.info({ model: model.ref, sampleRate }, 'shadow model scoring');
  }

  /** Stops shadow scoring; queued rows are dropped. */
  async unload(): Promise<void> {
    const previous = this.loaded;
    this.loaded = null;
    this.pending = [];
    await this.draining;
    await previous?.session.release();
  }

  /** Queues a request's rows (after its reply went out), sampled by the experiment's rate. */
  observe(rows: readonly ScoreRow[]): void {
    const loaded = this.loaded;
    if (!loaded || (loaded.sampleRate < 1 && Math.random() >= loaded.sampleRate)) return;
    if (this.pending.length + rows.length > SHADOW_MAX_PENDING_ROWS) {
      this.skippedRows += rows.length;
      return;
    }
    for (const row of rows) this.pending.push(row);
    this.draining ??= new Promise<void>((resolve) => setTimeout(resolve, SHADOW_BATCH_MS).unref()).then(() => this.drain());
  }

  /** Resolves once every queued row was scored (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && this.loaded) {
      const rows = this.pending.splice(0, SHADOW_ROWS_PER_RUN);
      await this.scoreBatch(this.loaded, rows);
      // Yield between batches so POS requests queued meanwhile go first.
      if (this.pending.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.draining = null;
  }

  private async scoreBatch({ model, session }: LoadedShadow, rows: ScoreRow[]): Promise<void> {
    try {
      const context = this.contexts.get(model);
      const matrix = context.features.build(rows);
      const { input, output } = model.manifest;
      const outputs = await session.run({ [input.name]: new ort.Tensor('float32', matrix, [rows.length, input.features.length]) }, [output.name]);
      const raw = Float32Array.from((outputs[output.name].data as Float32Array).subarray(0, rows.length));
      if (raw.some((value) => !Number.isFinite(value))) throw new Error('shadow model produced a non-finite value');
      const { values } = clampPredictions(raw, context.ceiling);
      rows.forEach((row, i) => this.served.add({ store: row.store, item: row.item, date: row.date, model: model.ref, role: 'shadow', value: values[i] }));
      this.scoredRows += rows.length;
    } catch (error) {
      this.skippedRows += rows.length;
      this.logger.warn({ model: model.ref, err: (error as Error).message }, 'shadow scoring failed; the rows are not counted');
    }
  }
}
