import test from 'ava';
import fc from 'fast-check';
import { binMatrix, binnedBytes, binOffset, computeFeatureEdges, MISSING_BIN } from '../../../model-packager/learners/gbdt/binning.js';

test('few distinct values get one bin each; edges are the values themselves', (t) => {
  const X = Float32Array.of(3, -1, 0.5, 3, NaN, -1);
  const [edges] = computeFeatureEdges(X, 6, 1, 255);
  t.deepEqual(Array.from(edges), [-1, 0.5, Infinity]);
  const out = new Uint8Array(binnedBytes(6, 1));
  binMatrix(X, 6, 1, [edges], out);
  t.deepEqual([0, 1, 2, 3, 4, 5].map((r) => out[binOffset(0, 6) + 4 * r]), [2, 0, 1, 2, MISSING_BIN, 0]);
});

test('bin b holds exactly the values in (edge[b−1], edge[b]], for any float32 input', (t) => {
  fc.assert(
    fc.property(fc.array(fc.float({ noNaN: false }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 2, max: 255 }), (values, maxBins) => {
      const X = Float32Array.from(values);
      const [edges] = computeFeatureEdges(X, X.length, 1, maxBins);
      t.true(edges.length <= maxBins);
      const out = new Uint8Array(binnedBytes(X.length, 1));
      binMatrix(X, X.length, 1, [edges], out);
      X.forEach((value, r) => {
        const bin = out[4 * r];
        if (Number.isNaN(value)) return t.is(bin, MISSING_BIN);
        t.true(value <= edges[bin] && (bin === 0 || value > edges[bin - 1]), `${value} in bin ${bin}`);
      });
    }),
    { numRuns: 150 },
  );
});

test('infinities land in the first and last bins', (t) => {
  const X = Float32Array.of(-Infinity, -2, 0, 5, Infinity);
  const [edges] = computeFeatureEdges(X, 5, 1, 255);
  const out = new Uint8Array(binnedBytes(5, 1));
  binMatrix(X, 5, 1, [edges], out);
  t.deepEqual([0, 1, 2, 3, 4].map((r) => out[4 * r]), [0, 1, 2, 3, 4]);
});

test('many distinct values are cut at quantiles into at most maxBins bins', (t) => {
  const X = Float32Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
  const [edges] = computeFeatureEdges(X, X.length, 1, 16);
  t.is(edges.length, 16);
  const out = new Uint8Array(binnedBytes(X.length, 1));
  binMatrix(X, X.length, 1, [edges], out);
  const counts = new Array<number>(16).fill(0);
  for (let r = 0; r < X.length; r += 1) counts[out[4 * r]] += 1;
  for (const count of counts) t.true(count === 625, `bin sizes ${counts.join(',')}`);
});
