import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { decodeMessage } from '../../protocols/messages/decode.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import { clampPredictions } from '../../protocols/bundle/prediction-bounds.js';
import { createAgentSession, ort } from '../../edge-agent/scoring/onnx-session.js';
import { ModelContexts } from '../../edge-agent/scoring/model-contexts.js';
import { ScoringStats } from '../../edge-agent/scoring/scoring-stats.js';
import { ScoreEngine } from '../../edge-agent/scoring/score-engine.js';
import { loadModelDirectory } from '../../edge-agent/scoring/directory-model-source.js';
import { openAgentDb } from '../../edge-agent/storage/db.js';
import { ActualsStore } from '../../edge-agent/storage/actuals-store.js';
import { ServedPredictions } from '../../edge-agent/storage/served-predictions.js';
import { PersonalData } from '../../edge-agent/privacy/personal-data.js';
import { ScoreHandler } from '../../edge-agent/pos/score-handler.js';
import { parseScoreRequestFast } from '../../edge-agent/pos/score-request-fast-path.js';
import { HASH_KEY_HEX } from '../../test/edge-agent/helpers/agent-fixture.js';
import { scoreRequest } from '../../test/edge-agent/helpers/pos-client.js';
import type { BenchModel } from './bench-models.js';

/** Median cost of each step of one score request, in µs (issue #15: "say what each part costs"). */
export interface RequestParts {
  /** JSON parse + validation as the agent does it (the direct check, zod only for refusals). */
  decodeUs: number;
  /** The same through zod (decodeMessage), what every request paid before issue #15. */
  zodDecodeUs: number;
  featuresUs: number;
  historyCompletenessUs: number;
  driftUs: number;
  sessionRunUs: number;
  replyJsonUs: number;
  bookkeepingUs: number;
  /** The served-prediction SQLite write, per row, as the flush tick commits it (one transaction per tick). */
  sqlitePerRowUs: number;
  /** Log lines written per request at the default level (info): none on the success path. */
  logLinesPerRequest: number;
  /** The whole handler (validate → features → run → reply), no broker, in one process. */
  handlerUs: number;
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] * 1_000;

function timed(count: number, step: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    step();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * Runs each step the agent's score handler takes, with the agent's own modules on real SQLite
 * and onnxruntime, `count` times, and the handler as a whole. Steps are timed apart so that
 * their sum beside the handler and the POS round trip shows where the time goes.
 */
export async function measureRequestParts(model: BenchModel, count: number): Promise<RequestParts> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fc-bench-parts-'));
  const db = openAgentDb(join(dataDir, 'agent.db'));
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  let logLines = 0;
  const counting = new Proxy(logger, {
    get(target, property, receiver) {
      if (property === 'info' || property === 'warn' || property === 'error' || property === 'debug') {
        const method = Reflect.get(target, property, receiver) as (...args: unknown[]) => void;
        return (...args: unknown[]) => {
          if (target.isLevelEnabled(property)) logLines += 1;
          method.apply(target, args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const actuals = new ActualsStore(db, 1_130);
  if (model.actuals.length > 0) actuals.record(model.actuals);
  const served = new ServedPredictions(db);
  const stats = new ScoringStats();
  const personal = new PersonalData(HASH_KEY_HEX, ['customerId']);
  const active = loadModelDirectory(model.modelDir);
  const context = new ModelContexts(actuals, logger).get(active);
  const session = await createAgentSession(active.modelPath);
  const payload = Buffer.from(JSON.stringify(scoreRequest([model.row], { requestId: 'bench' })));
  const rows = decodeMessage('pos/score/req', payload).rows;
  const { input, output } = active.manifest;
  const sender = { role: 'device' as const, id: 'store-1' };

  const warm = Math.min(200, count);
  const run = async (): Promise<Float32Array> => {
    const matrix = context.features.build(rows);
    const outputs = await session.run({ [input.name]: new ort.Tensor('float32', matrix, [1, input.features.length]) }, [output.name]);
    return outputs[output.name].data as Float32Array;
  };
  for (let i = 0; i < warm; i += 1) await run();
  const raw = await run();
  const runSamples: number[] = [];
  const matrix = context.features.build(rows);
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await session.run({ [input.name]: new ort.Tensor('float32', matrix, [1, input.features.length]) }, [output.name]);
    runSamples.push(performance.now() - started);
  }
  const values = clampPredictions(raw, context.ceiling).values;
  const parts = {
    decodeUs: timed(count, () => parseScoreRequestFast(payload, 256 * 1024) ?? decodeMessage('pos/score/req', payload)),
    zodDecodeUs: timed(count, () => decodeMessage('pos/score/req', payload)),
    featuresUs: timed(count, () => context.features.build(rows)),
    historyCompletenessUs: timed(count, () => context.features.historyCompleteness(rows)),
    driftUs: timed(count, () => {
      context.drift?.observeFeatures(matrix, 1);
      context.drift?.observePredictions(raw);
    }),
    sessionRunUs: median(runSamples),
    replyJsonUs: timed(count, () => JSON.stringify({ ...envelope(sender), type: 'score-result', requestId: 'bench', model: active.ref, precision: 'fp32', history: 'full', predictions: rows.map((row, i) => ({ store: row.store, item: row.item, date: row.date, value: clampPredictions(raw, context.ceiling).values[i] })) })),
    bookkeepingUs: timed(count, () => {
      served.add({ store: rows[0].store, item: rows[0].item, date: rows[0].date, model: active.ref, role: 'active', value: values[0] });
      stats.recordSuccess(active.ref, rows.map((row) => personal.protect('store', row.store)), values, 0.5, 'full');
    }),
  };
  // One flush tick with `count` distinct forecasts (the bench's requests all share one key).
  for (let i = 0; i < count; i += 1) served.add({ store: `s${i}`, item: 'i', date: '2026-12-01', model: active.ref, role: 'active', value: i });
  const flushStarted = performance.now();
  served.flush();
  const sqlitePerRowUs = ((performance.now() - flushStarted) * 1_000) / count;

  const engine = new ScoreEngine(counting);
  await engine.swap(active);
  let answered: () => void = () => undefined;
  const handler = new ScoreHandler({
    sender,
    engine,
    contexts: new ModelContexts(actuals, counting),
    stats,
    served,
    personal,
    logger: counting,
    maxPayloadBytes: 256 * 1024,
    maxInFlight: 1_024,
    maxQueuedPerLogin: 1_024,
    loginOf: () => 'pos',
    sameLogin: () => false,
    reply: (_topic, message) => {
      JSON.stringify(message);
      answered();
    },
  });
  const handlerSamples: number[] = [];
  for (let i = 0; i < warm + count; i += 1) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      answered = resolve;
      handler.handle(payload, 'bench-till');
    });
    if (i >= warm) handlerSamples.push(performance.now() - started);
  }
  logLines = 0;
  await new Promise<void>((resolve) => {
    answered = resolve;
    handler.handle(payload, 'bench-till');
  });
  const logLinesPerRequest = logLines;
  await engine.close();
  await session.release();
  db.close();
  await rm(dataDir, { recursive: true, force: true });
  return { ...parts, sqlitePerRowUs, logLinesPerRequest, handlerUs: median(handlerSamples) };
}
