import { performance } from 'node:perf_hooks';
import { decodeMessage } from '../../protocols/messages/decode.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import { clampPredictions } from '../../protocols/bundle/prediction-bounds.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ScoreResult } from '../../protocols/messages/pos/score-response.js';
import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { Sender } from '../../protocols/envelope.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { ScoreEngine } from '../scoring/score-engine.js';
import type { ScoringStats } from '../scoring/scoring-stats.js';
import type { ServedPredictions } from '../storage/served-predictions.js';
import type { PersonalData } from '../privacy/personal-data.js';
import type { ModelContexts } from '../scoring/model-contexts.js';
import { errorReply, salvageRequestId } from './error-reply.js';
import { resolveReplyTopic } from './reply-topic.js';
import type { ReplyRoute } from './mqtt5/reply-route.js';

/** Everything one score request touches. */
export interface ScoreHandlerDeps {
  sender: Sender;
  engine: ScoreEngine;
  contexts: ModelContexts;
  stats: ScoringStats;
  served: ServedPredictions;
  personal: PersonalData;
  logger: Logger;
  maxPayloadBytes: number;
  maxInFlight: number;
  /** True when two POS clients are logged in with the same username (reply-topic ACL). */
  sameLogin(clientId: string, otherClientId: string): boolean;
  /** Sends a reply on the store broker. */
  reply(topic: string, message: unknown): void;
}

/**
 * Answers `pos/v1/score/req` (issue #5 "Scoring", "Bad POS input"): validate → resolve the
 * reply topic → build features from local history → onnxruntime on the worker → reply with
 * predictions, model name+version and the request id. Every failure becomes a coded `error`
 * reply; nothing a POS sends can throw out of here.
 */
export class ScoreHandler {
  private readonly deps: ScoreHandlerDeps;
  private inFlight = 0;

  constructor(deps: ScoreHandlerDeps) {
    this.deps = deps;
  }

  /**
   * Handles one publish from POS client `clientId`. `route` comes with MQTT 5 requests: its
   * response topic (ACL-checked like `replyTo`) wins over the payload's `replyTo` and is known
   * before the payload is parsed, so even a malformed request's error reaches it, and every
   * reply goes out through `route.reply` with the request's correlation data.
   */
  handle(payload: Buffer, clientId: string, route?: ReplyRoute): void {
    const started = performance.now();
    const { deps } = this;
    const send = route?.reply ?? deps.reply;
    const sameLogin = (other: string): boolean => deps.sameLogin(clientId, other);
    let resolved = resolveReplyTopic(clientId, route?.responseTopic, sameLogin);
    let replyTopic = resolved.topic;
    let requestId: string | undefined;
    try {
      if (resolved.refused) throw resolved.refused;
      const request = decodeMessage('pos/score/req', payload, deps.maxPayloadBytes);
      requestId = request.requestId ?? request.id;
      if (route?.responseTopic === undefined) {
        resolved = resolveReplyTopic(clientId, request.replyTo, sameLogin);
        replyTopic = resolved.topic;
        if (resolved.refused) throw resolved.refused;
      }
      if (this.inFlight >= deps.maxInFlight) throw new FleetcastError('FC_ERR_AGENT_OVERLOADED', `${this.inFlight} in flight`);
      this.inFlight += 1;
      void this.score(request.rows, requestId, replyTopic, started, send).finally(() => (this.inFlight -= 1));
    } catch (error) {
      this.fail(toFleetcastError(error), requestId ?? salvageRequestId(payload, deps.maxPayloadBytes), replyTopic, clientId, send);
    }
  }

  private async score(rows: ScoreRow[], requestId: string, replyTopic: string, started: number, send: ScoreHandlerDeps['reply']): Promise<void> {
    const { deps } = this;
    let slot;
    try {
      slot = deps.engine.acquire();
    } catch (error) {
      this.fail(toFleetcastError(error), requestId, replyTopic, undefined, send);
      return;
    }
    try {
      const context = deps.contexts.get(slot.model);
      const matrix = context.features.build(rows);
      const history = context.features.historyCompleteness(rows);
      context.drift?.observeFeatures(matrix, rows.length);
      const raw = await deps.engine.run(slot, matrix, rows.length);
      for (const value of raw) if (!Number.isFinite(value)) throw new FleetcastError('FC_ERR_AGENT_SCORING_FAILED', 'model produced a non-finite value');
      // Drift compares what the model produced; the POS gets the bounded answer the cloud would give.
      context.drift?.observePredictions(raw);
      const { values } = clampPredictions(raw, context.ceiling);
      const model = slot.model.ref;
      const result: ScoreResult = {
        ...envelope(deps.sender),
        type: 'score-result',
        requestId,
        model,
        precision: slot.model.serving.precision,
        history,
        predictions: rows.map((row, i) => ({ store: row.store, item: row.item, date: row.date, value: values[i] })),
      };
      send(replyTopic, result);
      rows.forEach((row, i) => deps.served.add({ store: row.store, item: row.item, date: row.date, model, role: 'active', value: values[i] }));
      deps.stats.recordSuccess(model, rows.map((row) => deps.personal.protect('store', row.store)), values, performance.now() - started, history);
      if (deps.logger.isLevelEnabled('debug')) {
        deps.logger.debug({ requestId, model, rows: rows.map((row) => deps.personal.redact(row)) }, 'scored');
      }
    } catch (error) {
      this.fail(toFleetcastError(error), requestId, replyTopic, undefined, send);
    } finally {
      deps.engine.release(slot);
    }
  }

  private fail(error: FleetcastError, requestId: string | undefined, replyTopic: string, clientId: string | undefined, send: ScoreHandlerDeps['reply']): void {
    const { deps } = this;
    deps.stats.recordError(error.code);
    deps.logger.debug({ code: error.code, requestId, clientId }, 'score request refused');
    send(replyTopic, errorReply(deps.sender, error, requestId));
  }
}
