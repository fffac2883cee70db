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
import { FairQueue } from '../scoring/fair-queue.js';
import { errorReply, salvageFields } from './error-reply.js';
import { resolveReplyTopic } from './reply-topic.js';
import { parseScoreRequestFast } from './score-request-fast-path.js';
import type { ReplyRoute } from './backends/pos-backend.js';

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
  /** Requests queued or scoring at once, all logins together (FC_ERR_AGENT_OVERLOADED past it). */
  maxInFlight: number;
  /** Requests one login may have queued (FC_ERR_AGENT_LOGIN_OVERLOADED past it). */
  maxQueuedPerLogin: number;
  /** The POS username `clientId` logged in with (the fair-share key); undefined when unknown. */
  loginOf(clientId: string): string | undefined;
  /** True when two POS clients are logged in with the same username (reply-topic ACL). */
  sameLogin(clientId: string, otherClientId: string): boolean;
  /** Sends a reply on the store broker. */
  reply(topic: string, message: unknown): void;
  /** Shadow experiment (issue #13): gets each answered request's rows after the reply went out. */
  shadow?: { observe(rows: readonly ScoreRow[]): void };
}

/** Requests scored at once; the rest wait in the fair queue (a deep worker FIFO would undo the fairness). */
const SCORING_CONCURRENCY = 4;

/** A validated request waiting for its turn. */
interface ScoreJob {
  rows: ScoreRow[];
  requestId: string;
  replyTopic: string;
  started: number;
  send: ScoreHandlerDeps['reply'];
}

/**
 * Answers `pos/v1/score/req` (issue #5 "Scoring", "Bad POS input"): validate → resolve the
 * reply topic → wait for the login's turn → build features from local history → onnxruntime
 * (inline or on the worker) → reply with predictions, model name+version and the request id.
 * Every failure becomes a coded `error` reply; nothing a POS sends can throw out of here.
 * Validated requests queue per POS login and are served round-robin (issue #9 finding 13).
 */
export class ScoreHandler {
  private readonly deps: ScoreHandlerDeps;
  private readonly queue: FairQueue<ScoreJob>;
  private scoring = 0;

  constructor(deps: ScoreHandlerDeps) {
    this.deps = deps;
    this.queue = new FairQueue({ perKey: deps.maxQueuedPerLogin, total: deps.maxInFlight });
  }

  /** Requests queued or being scored (exact: every request leaves on reply or error). */
  inFlight(): number {
    return this.queue.size + this.scoring;
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
      const request = parseScoreRequestFast(payload, deps.maxPayloadBytes) ?? decodeMessage('pos/score/req', payload, deps.maxPayloadBytes);
      requestId = request.requestId ?? request.id;
      if (route?.responseTopic === undefined) {
        resolved = resolveReplyTopic(clientId, request.replyTo, sameLogin);
        replyTopic = resolved.topic;
        if (resolved.refused) throw resolved.refused;
      }
      if (this.inFlight() >= deps.maxInFlight) throw new FleetcastError('FC_ERR_AGENT_OVERLOADED', `${this.inFlight()} in flight`);
      // Unknown logins (none in practice: the broker authenticated the client) share one queue per client id.
      this.queue.push(deps.loginOf(clientId) ?? `client:${clientId}`, { rows: request.rows, requestId, replyTopic, started, send });
      this.pump();
    } catch (error) {
      const salvaged = salvageFields(payload, deps.maxPayloadBytes);
      // A 3.1.1 error goes to the payload's replyTo whenever it can be read, within the ACL (issue #9 finding 11).
      if (route?.responseTopic === undefined) replyTopic = resolveReplyTopic(clientId, salvaged.replyTo, sameLogin).topic;
      this.fail(toFleetcastError(error), requestId ?? salvaged.requestId, replyTopic, clientId, send);
    }
  }

  /** Starts queued jobs, round-robin across logins, up to SCORING_CONCURRENCY at once. */
  private pump(): void {
    while (this.scoring < SCORING_CONCURRENCY) {
      const job = this.queue.shift();
      if (!job) return;
      this.scoring += 1;
      void this.score(job).finally(() => {
        this.scoring -= 1;
        this.pump();
      });
    }
  }

  private async score({ rows, requestId, replyTopic, started, send }: ScoreJob): Promise<void> {
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
      deps.shadow?.observe(rows);
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
