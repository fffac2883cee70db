import test from 'ava';
import fc from 'fast-check';
import { decodeMessage } from '../../protocols/messages/decode.js';
import { parseScoreRequestFast } from '../../edge-agent/pos/score-request-fast-path.js';
import { scoreRequest } from './helpers/pos-client.js';

// Issue #15: the agent's hand-written score-request check must give zod's verdict and output.

const MAX_BYTES = 16 * 1024;

/** zod's result, or null when decodeMessage refuses the payload. */
function viaZod(payload: Buffer): unknown {
  try {
    return decodeMessage('pos/score/req', payload, MAX_BYTES);
  } catch {
    return null;
  }
}

const awkward = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_VALUE, -0, 0, 70, 70.0001, -80, -80.5, 1_000, 1_000.5),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '.', '..', '.hidden', 'a/b', 'a\\b', 'x+y', 'x#', 'tab\there', '\u0085', 'é', 'a'.repeat(128), 'a'.repeat(129)),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant(undefined),
  fc.constant({}),
);
/** Mostly `good`, sometimes anything: both sides of every rule get exercised. */
const mostly = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: awkward, weight: 1 });
const id = mostly(fc.constantFrom('s1', 'i-2', 'S001', 'I0001'));
const date = fc.oneof(
  { arbitrary: fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), weight: 12 },
  { arbitrary: fc.constantFrom('2026-02-29', '2028-02-29', '2026-13-01', '1989-12-31', '1990-01-01', '2100-12-31', '2101-01-01', '26-01-01', '2026-1-1', '0050-01-01'), weight: 1 },
  { arbitrary: awkward, weight: 1 },
);
const row = fc.record(
  {
    store: id,
    item: id,
    date,
    price: mostly(fc.double({ min: 0.01, max: 10, noNaN: true })),
    promo: mostly(fc.boolean()),
    tempC: mostly(fc.double({ min: -80, max: 70, noNaN: true })),
    precipMm: mostly(fc.double({ min: 0, max: 1_000, noNaN: true })),
    customerId: mostly(fc.string({ maxLength: 128 })),
    extra: awkward,
  },
  { requiredKeys: ['store', 'item', 'date'] },
);
const anyRow = fc.oneof({ arbitrary: row, weight: 12 }, { arbitrary: fc.record({ store: id, item: id, date }, { requiredKeys: [] }), weight: 1 });
const timestamp = mostly(fc.oneof(
  fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-28T12:00:00Z', '2026-11-28T12:00:00+01:00', '2026-11-28T12:00:00.123456789Z', '2026-11-28T12:00Z', '2026-11-28 12:00:00Z', '2026-11-28T25:00:00Z', '2026-11-28T12:00:00+0100', '2026-11-28T12:00:00'),
));
const request = fc.record(
  {
    v: mostly(fc.constant(1)),
    id: mostly(fc.uuid()),
    ts: timestamp,
    sender: mostly(fc.record({ role: mostly(fc.constantFrom('pos', 'device', 'controller', 'admin')), id, extra: awkward }, { requiredKeys: ['role', 'id'] })),
    type: mostly(fc.constant('score')),
    requestId: mostly(fc.string({ minLength: 1, maxLength: 128 })),
    replyTo: fc.oneof({ arbitrary: fc.constantFrom('pos/v1/score/res/till-1/x', 'x'.repeat(256)), weight: 12 }, { arbitrary: fc.constantFrom('a+b', 'a#', 'nul\u0000', '', 'x'.repeat(257)), weight: 1 }, { arbitrary: awkward, weight: 1 }),
    rows: mostly(fc.array(anyRow, { minLength: 1, maxLength: 3 })),
    unknownTopLevel: awkward,
  },
  { requiredKeys: ['v', 'id', 'ts', 'sender', 'type', 'rows'] },
);

test('the fast path and zod agree on every payload: same acceptance, same output', (t) => {
  let accepted = 0;
  fc.assert(
    fc.property(request, (message) => {
      const payload = Buffer.from(JSON.stringify(message));
      const fast = parseScoreRequestFast(payload, MAX_BYTES);
      const zod = viaZod(payload);
      if ((fast === null) !== (zod === null)) return false;
      if (fast !== null) accepted += 1;
      return fast === null || JSON.stringify(sortKeys(fast)) === JSON.stringify(sortKeys(zod));
    }),
    { numRuns: 2_000, seed: 15 },
  );
  // Positive control: the generator reaches the accepting side often enough to mean something.
  t.true(accepted > 50, `${accepted} accepted payloads`);
});

test('a plain POS request takes the fast path; oversized, non-JSON and refused payloads fall back to zod', (t) => {
  const plain = Buffer.from(JSON.stringify(scoreRequest([{ store: 's1', item: 'i2', date: '2026-12-01', price: 2.5, promo: true, customerId: 'c-9' }], { requestId: 'r1' })));
  t.deepEqual(parseScoreRequestFast(plain, MAX_BYTES), viaZod(plain) as never);
  t.is(parseScoreRequestFast(plain, plain.length - 1), null);
  t.is(parseScoreRequestFast(Buffer.from('{"v":1,'), MAX_BYTES), null);
  t.is(parseScoreRequestFast(Buffer.from(JSON.stringify(scoreRequest([{ store: 's1', item: 'i2', date: '0050-01-01' }]))), MAX_BYTES), null);
  t.is(parseScoreRequestFast(Buffer.from(JSON.stringify(scoreRequest(Array.from({ length: 1_001 }, () => ({ store: 's1', item: 'i2', date: '2026-12-01' }))))), 1024 * 1024), null);
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}
