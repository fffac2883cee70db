import test from 'ava';
import fc from 'fast-check';
import { binCounts, binIndex, quantileBinEdges } from '../../../protocols/drift/binning.js';
import { populationStabilityIndex } from '../../../protocols/drift/psi.js';
import { quantileOfSorted, sortedFinite } from '../../../protocols/drift/quantiles.js';
import { describeDistribution } from '../../../protocols/drift/describe.js';

test('quantiles interpolate between ranks (numpy type 7)', (t) => {
  const sorted = [1, 2, 3, 4];
  t.is(quantileOfSorted(sorted, 0), 1);
  t.is(quantileOfSorted(sorted, 0.5), 2.5);
  t.is(quantileOfSorted(sorted, 1), 4);
  t.is(quantileOfSorted(sorted, 0.25), 1.75);
  t.true(Number.isNaN(quantileOfSorted([], 0.5)));
  t.deepEqual(Array.from(sortedFinite([3, Number.NaN, 1, 2])), [1, 2, 3]);
});

test('bins: x ≤ edge goes into the lower bin; deciles of 1…100 put 10 values in each bin', (t) => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  const edges = quantileBinEdges(values, 10);
  const expected = [10.9, 20.8, 30.7, 40.6, 50.5, 60.4, 70.3, 80.2, 90.1];
  t.is(edges.length, expected.length);
  edges.forEach((edge, i) => t.true(Math.abs(edge - expected[i]) < 1e-9, `edge ${i}`));
  t.deepEqual(binCounts(edges, values), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
  t.is(binIndex(edges, edges[0]), 0);
  t.is(binIndex(edges, -1e9), 0);
  t.is(binIndex(edges, 1e9), 9);
});

test('a feature with few distinct values gets fewer bins, never empty duplicates', (t) => {
  const values = Array.from({ length: 70 }, (_, i) => i % 7);
  const edges = quantileBinEdges(values, 10);
  t.true(edges.every((edge, i) => i === 0 || edge > edges[i - 1]));
  t.is(binCounts(edges, values).reduce((a, b) => a + b, 0), 70);
});

test('PSI: identical histograms give 0; a known shift gives the closed-form value', (t) => {
  t.is(populationStabilityIndex([10, 20, 30], [1, 2, 3]), 0);
  const expected = (0.3 - 0.5) * Math.log(0.3 / 0.5) + (0.7 - 0.5) * Math.log(0.7 / 0.5);
  t.true(Math.abs(populationStabilityIndex([50, 50], [30, 70]) - expected) < 1e-12);
  // An empty bin is floored at ε rather than giving infinity.
  t.true(Number.isFinite(populationStabilityIndex([50, 50], [0, 100])));
  t.is(populationStabilityIndex([0, 0], [1, 2]), 0);
  t.throws(() => populationStabilityIndex([1], [1, 2]), { instanceOf: RangeError });
});

test('PSI is non-negative and symmetric-in-sign for any pair of histograms', (t) => {
  const histogram = fc.array(fc.nat(1000), { minLength: 5, maxLength: 5 });
  fc.assert(fc.property(histogram, histogram, (a, b) => populationStabilityIndex(a, b) >= -1e-12));
  t.pass();
});

test('describeDistribution records missing share, quantiles, mean/std and a histogram', (t) => {
  const d = describeDistribution([1, 2, 3, 4, Number.NaN]);
  t.is(d.count, 5);
  t.is(d.missingShare, 0.2);
  t.is(d.mean, 2.5);
  t.is(d.std, Math.sqrt(1.25));
  t.is(d.quantiles.find((q) => q.q === 0.5)?.value, 2.5);
  t.is(d.histogram.counts.reduce((a, b) => a + b, 0), 4);
});
