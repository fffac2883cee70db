import type { Logger } from '../../protocols/runtime/logger.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { HistoryCompleteness } from '../../protocols/features/history-completeness.js';
import { ScoringStats } from '../scoring/scoring-stats.js';
import { ScoreEngine, type ModelSlot } from '../scoring/score-engine.js';
import type { AgentMetrics } from './agent-metrics.js';

/**
 * The daemon's serving counters, also counted for Prometheus (issue #14). A subclass rather
 * than a hook inside the scorer, so the POS path itself stays untouched.
 */
export class MeteredScoringStats extends ScoringStats {
  constructor(private readonly metrics: AgentMetrics) {
    super();
  }

  override recordSuccess(model: ModelRef, stores: Iterable<string>, predictions: readonly number[] | Float32Array, latencyMs: number, history?: HistoryCompleteness): void {
    super.recordSuccess(model, stores, predictions, latencyMs, history);
    this.metrics.observeScore('ok', latencyMs);
  }

  override recordError(code: string): void {
    super.recordError(code);
    this.metrics.observeScore(code, null);
  }
}

/** The score engine with each `session.run` timed (inline or on the scoring worker). */
export class MeteredScoreEngine extends ScoreEngine {
  constructor(logger: Logger, private readonly metrics: AgentMetrics) {
    super(logger);
  }

  override async run(slot: ModelSlot, data: Float32Array, rows: number): Promise<Float32Array> {
    const stop = this.metrics.onnxRun.startTimer();
    try {
      return await super.run(slot, data, rows);
    } finally {
      stop();
    }
  }
}
