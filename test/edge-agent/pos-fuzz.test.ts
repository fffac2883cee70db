import test from 'ava';
import fc from 'fast-check';
import { scoreResponseMessageSchema } from '../../protocols/messages/pos/score-response.js';
import { makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

const CASES = 10_000;
const WINDOW = 128;

/** Numbers JSON cannot carry, written as the bare literals a sloppy encoder would emit. */
function looseJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `@@${String(v)}@@` : v)).replace(/"@@(NaN|Infinity|-Infinity)@@"/g, '$1');
}

const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308), fc.integer());
const fieldValue = fc.oneof(anyNumber, fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.constant(undefined));
const row = fc.record(
  {
    store: fc.oneof(fc.constantFrom('s1', 's2', 'nowhere', '', 'a/b', '+'), fieldValue),
    item: fc.oneof(fc.constantFrom('i1', 'i2', 'nothing', '#'), fieldValue),
    date: fc.oneof(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2026-02-30', '2026-13-01', 'tomorrow'), fieldValue),
    price: fc.oneof(anyNumber, fc.string({ maxLength: 5 })),
    promo: fieldValue,
    tempC: anyNumber,
    precipMm: anyNumber,
    customerId: fc.string({ maxLength: 200 }),
  },
  { requiredKeys: [] },
);
const validRow = fc.record(
  {
    store: fc.constantFrom('s1', 's2'),
    item: fc.constantFrom('i1', 'i2'),
    date: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    price: fc.double({ min: 0.01, max: 1_000, noNaN: true }),
    promo: fc.boolean(),
    customerId: fc.string({ maxLength: 50 }),
  },
  { requiredKeys: ['store', 'item', 'date'] },
);
const request = fc.record(
  {
    v: fc.oneof(fc.constant(1), fieldValue),
    id: fc.oneof(fc.uuid(), fieldValue),
    ts: fc.oneof(fc.constant(new Date().toISOString()), fieldValue),
    sender: fc.oneof(fc.constant({ role: 'pos', id: 'till' }), fc.object()),
    type: fc.oneof(fc.constant('score'), fc.string({ maxLength: 10 })),
    requestId: fc.oneof(fc.string({ minLength: 1, maxLength: 140 }), fieldValue),
    replyTo: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('pos/v1/score/res/other')),
    rows: fc.oneof(fc.array(row, { maxLength: 6 }), fieldValue),
  },
  { requiredKeys: ['v', 'type'] },
);
const payload: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: request.map(looseJson) },
  { weight: 3, arbitrary: fc.array(validRow, { minLength: 1, maxLength: 4 }).map((rows) => looseJson(scoreRequest(rows))) },
  { weight: 2, arbitrary: fc.array(fc.oneof(validRow, row), { minLength: 1, maxLength: 4 }).map((rows) => looseJson(scoreRequest(rows))) },
  { weight: 1, arbitrary: request.chain((r) => fc.nat().map((cut) => { const text = looseJson(r); return text.slice(0, cut % (text.length + 1)); })) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

test('fuzz: 10,000 pipelined POS payloads each get a valid response or a coded error, and the agent stays alive', async (t) => {
  t.timeout(120_000);
  const { root } = await makeModelDir('gbdt');
  const agent = await startAgentProcess(await writeAgentConfig(root));
  t.teardown(() => void agent.stop());
  const client = await connectPos(agent.posPort, 'fuzz');
  const replies = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/fuzz']);
  const payloads = fc.sample(payload, { numRuns: CASES, seed: 20_261_126 });
  const started = Date.now();
  for (let sent = 0; sent < payloads.length; sent += 1) {
    if (sent - replies.length >= WINDOW) await waitFor(() => sent - replies.length < WINDOW, 20_000, `replies to catch up at ${sent}`);
    client.publish('pos/v1/score/req', Buffer.from(payloads[sent]), { qos: 0 });
  }
  await waitFor(() => replies.length >= CASES, 30_000, 'all fuzz replies');
  const elapsed = Date.now() - started;
  t.is(replies.length, CASES);
  const invalid = replies.filter((r) => !scoreResponseMessageSchema.safeParse(r.message).success);
  t.deepEqual(invalid.slice(0, 3), []);
  const results = replies.filter((r) => r.message.type === 'score-result').length;
  const codes = new Map<string, number>();
  for (const r of replies) if (r.message.type === 'error') codes.set(r.message.code as string, (codes.get(r.message.code as string) ?? 0) + 1);
  t.true(results > 0, 'some fuzz requests were valid and scored');
  t.true([...codes.keys()].every((code) => /^FC_ERR_[A-Z0-9_]+$/.test(code)));
  t.log(`${CASES} payloads in ${elapsed} ms: ${results} forecasts, errors ${JSON.stringify(Object.fromEntries(codes))}`);
  t.is(agent.child.exitCode, null, 'agent process still alive');
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27' }], { requestId: 'after-fuzz' })));
  await waitFor(() => replies.some((r) => r.message.requestId === 'after-fuzz' && r.message.type === 'score-result'), 5_000, 'reply after fuzz');
  await client.endAsync();
  t.is(await agent.stop(), 0);
});
