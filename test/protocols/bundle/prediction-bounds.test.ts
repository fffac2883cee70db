import test from 'ava';
import { CEILING_FACTOR, clampPredictions, predictionCeiling } from '../../../protocols/bundle/prediction-bounds.js';
import type { BundleManifest } from '../../../protocols/bundle/manifest.js';
import type { ReferenceProfile } from '../../../protocols/drift/reference-profile.js';

const regression = { model: { task: 'regression' } } as BundleManifest;
const binary = { model: { task: 'binary' } } as BundleManifest;
const reference = { prediction: { quantiles: [{ q: 0.5, value: 3 }, { q: 0.99, value: 12.5 }], histogram: { edges: [0, 5, 10], counts: [4, 2] } } } as unknown as ReferenceProfile;

test('the ceiling is CEILING_FACTOR × the top of the reference prediction distribution; 1 for binary models', (t) => {
  t.is(predictionCeiling(regression, reference), 12.5 * CEILING_FACTOR);
  t.is(predictionCeiling(binary, reference), 1);
  t.is(predictionCeiling(regression, null), null);
});

test('answers are clamped to [0, ceiling], non-finite ones become 0, and the changed ones are counted', (t) => {
  const { values, clamped } = clampPredictions(Float32Array.from([-0.5, 2, 80, Number.NaN]), 50);
  t.deepEqual(values, [0, 2, 50, 0]);
  t.is(clamped, 3);
  t.deepEqual(clampPredictions(Float32Array.from([1e9]), null), { values: [1e9], clamped: 0 });
});
