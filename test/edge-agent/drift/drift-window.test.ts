import test from 'ava';
import { DriftWindow } from '../../../edge-agent/drift/drift-window.js';
import { CALENDAR_FEATURES } from '../../../protocols/drift/layout.js';
import { outboxRecordSchema } from '../../../protocols/messages/up.js';
import { fixtureProfile, sampleRows, FEATURE_NAMES } from '../../protocols/drift/profile-fixture.js';

const model = { name: 'demand', version: 3 };
const profile = fixtureProfile(5000, FEATURE_NAMES, FEATURE_NAMES.map((_, f) => f + 1));

test('a 30-feature window report of 10,000 rows stays within 4 KB on the wire and parses as a drift record (issue #12)', (t) => {
  const window = new DriftWindow(model, profile, FEATURE_NAMES);
  for (let seed = 0; seed < 10; seed += 1) {
    window.observeFeatures(sampleRows(1000, 20 + seed, FEATURE_NAMES, { price: 1 }), 1000);
    window.observePredictions(Float32Array.from({ length: 1000 }, (_, i) => 5 + (i % 11)));
  }
  const record = window.close(new Date('2026-01-01T01:00:00Z'));
  t.truthy(record);
  const wire = JSON.stringify({ ...record, seq: 123456 });
  t.log(`30-feature window record: ${Buffer.byteLength(wire)} bytes`);
  t.true(Buffer.byteLength(wire) <= 4096, `${Buffer.byteLength(wire)} bytes`);
  const parsed = outboxRecordSchema.parse(JSON.parse(wire));
  if (parsed.kind !== 'drift') throw new Error('not a drift record');
  t.is(parsed.layout, 2);
  t.deepEqual(parsed.drifted?.map((i) => parsed.features[i].name), ['price']);
  // Weights are the gains of the monitored (non-calendar) features.
  const priceWeight = (FEATURE_NAMES.indexOf('price') + 1) / FEATURE_NAMES.reduce((sum, name, f) => sum + (CALENDAR_FEATURES.has(name) ? 0 : f + 1), 0);
  t.true(Math.abs((parsed.driftShare ?? 0) - priceWeight) < 1e-3);
  // Counts of the categorical features are tracked categories + other + unseen.
  t.is(parsed.features[FEATURE_NAMES.indexOf('store')].counts.length, 10);
  t.is(parsed.features[0].counts.reduce((sum, c) => sum + c, 0) + (parsed.features[0].missing ?? 0), 10_000);
  // The window starts afresh.
  t.is(window.close(), null);
});

test('drift records of agents before issue #12 still parse (fields are additive)', (t) => {
  const legacy = {
    seq: 1, ts: '2026-01-01T00:00:00.000Z', kind: 'drift', model, windowStart: '2026-01-01T00:00:00.000Z', windowEnd: '2026-01-01T01:00:00.000Z', n: 5,
    features: [{ name: 'price', psi: 0.01, missingShare: 0, counts: [1, 2, 2] }], prediction: { psi: 0, counts: [5] },
  };
  const parsed = outboxRecordSchema.parse(legacy);
  t.is(parsed.kind === 'drift' ? parsed.layout : 'not drift', undefined);
});
