import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ScoreHandler } from '../../edge-agent/pos/score-handler.js';
import { ScoreEngine } from '../../edge-agent/scoring/score-engine.js';
import { ScoringStats } from '../../edge-agent/scoring/scoring-stats.js';
import { ModelContexts } from '../../edge-agent/scoring/model-contexts.js';
import { loadModelDirectory } from '../../edge-agent/scoring/directory-model-source.js';
import { openAgentDb } from '../../edge-agent/storage/db.js';
import { ActualsStore } from '../../edge-agent/storage/actuals-store.js';
import { ServedPredictions } from '../../edge-agent/storage/served-predictions.js';
import { PersonalData } from '../../edge-agent/privacy/personal-data.js';
import { HASH_KEY_HEX, makeModelDir } from './helpers/agent-fixture.js';
import { scoreRequest } from './helpers/pos-client.js';

const FLOOD = 400;
const PER_LOGIN_CAP = 100;

/**
 * Issue #9 finding 13: one POS login flooding the agent starved the other tills (FIFO). The
 * flood below is handed to the real score handler (real onnxruntime worker, real SQLite) in
 * one burst, as a broker would deliver a socket full of requests; another login's request
 * arrives right after and must be answered at its round-robin turn, not after the flood.
 */
test('a flooding POS login is capped with FC_ERR_AGENT_LOGIN_OVERLOADED and another login is served at its next turn', async (t) => {
  const { root, modelDir } = await makeModelDir('gbdt');
  const dataDir = mkdtempSync(join(tmpdir(), 'fc-fair-'));
  const db = openAgentDb(join(dataDir, 'agent.db'));
  const logger = pino({ level: 'silent' });
  const engine = new ScoreEngine(logger);
  t.teardown(async () => {
    await engine.close();
    db.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  await engine.swap(loadModelDirectory(modelDir));

  const replies: Array<{ topic: string; message: { type: string; requestId?: string; code?: string } }> = [];
  let allAnswered: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (allAnswered = resolve));
  const handler = new ScoreHandler({
    sender: { role: 'device', id: 'store-1' },
    engine,
    contexts: new ModelContexts(new ActualsStore(db, 1_130), logger),
    stats: new ScoringStats(),
    served: new ServedPredictions(db),
    personal: new PersonalData(HASH_KEY_HEX, []),
    logger,
    maxPayloadBytes: 256 * 1024,
    maxInFlight: 10_000,
    maxQueuedPerLogin: PER_LOGIN_CAP,
    loginOf: (clientId) => (clientId.startsWith('flood') ? 'flood-login' : 'calm-login'),
    sameLogin: () => false,
    reply: (topic, message) => {
      replies.push({ topic, message: message as { type: string } });
      if (replies.length === FLOOD + 1) allAnswered();
    },
  });

  const rows = Array.from({ length: 64 }, (_, i) => ({ store: i % 2 ? 's1' : 's2', item: i % 3 ? 'i1' : 'i2', date: '2026-11-27' }));
  for (let i = 0; i < FLOOD; i += 1) handler.handle(Buffer.from(JSON.stringify(scoreRequest(rows, { requestId: `flood-${i}` }))), 'flood-till');
  handler.handle(Buffer.from(JSON.stringify(scoreRequest(rows, { requestId: 'calm-1' }))), 'calm-till');
  await answered;

  const calmAt = replies.findIndex((reply) => reply.message.requestId === 'calm-1');
  t.is(replies[calmAt].message.type, 'score-result');
  const flood = replies.filter((reply) => reply.topic === 'pos/v1/score/res/flood-till');
  const refused = flood.filter((reply) => reply.message.code === 'FC_ERR_AGENT_LOGIN_OVERLOADED').length;
  t.is(refused, FLOOD - PER_LOGIN_CAP - 4, 'past its cap (and the 4 already scoring) the flooder is refused, with a code');
  t.true(flood.every((reply) => reply.message.type === 'score-result' || reply.message.code === 'FC_ERR_AGENT_LOGIN_OVERLOADED'));
  const floodServedBefore = replies.slice(0, calmAt).filter((reply) => reply.message.type === 'score-result').length;
  // Round-robin: only the requests already scoring and one turn go ahead; FIFO would put all 104 first.
  t.true(floodServedBefore <= 5, `${floodServedBefore} flood answers before the other login's`);
  // The last reply goes out just before its job's bookkeeping; one turn of the loop later it is done.
  await new Promise((resolve) => setImmediate(resolve));
  t.is(handler.inFlight(), 0, 'exact in-flight accounting');
});
