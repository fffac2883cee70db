import test from 'ava';
import fc from 'fast-check';
import { binCounts, quantileBinEdges } from '../../../protocols/drift/binning.js';
import { binnedKolmogorovSmirnov, binnedWasserstein, chiSquareQuantile, jensenShannonDistance, toShares } from '../../../protocols/drift/statistics.js';
import { normals } from './samples.js';

const shares = fc.array(fc.nat(1000), { minLength: 2, maxLength: 12 }).filter((counts) => counts.some((c) => c > 0)).map(toShares);

/** Exact two-sample KS and W1 on raw values, the reference the binned versions must bracket. */
function exactKs(a: number[], b: number[]): number {
  const xs = [...a, ...b].sort((x, y) => x - y);
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  for (const x of xs) {
    while (i < sa.length && sa[i] <= x) i += 1;
    while (j < sb.length && sb[j] <= x) j += 1;
    d = Math.max(d, Math.abs(i / sa.length - j / sb.length));
  }
  return d;
}

function exactW1Clipped(a: number[], b: number[], low: number, high: number): number {
  const grid = 4000;
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  const cdf = (s: number[], x: number) => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / s.length;
  };
  let sum = 0;
  for (let k = 0; k < grid; k += 1) {
    const x = low + ((k + 0.5) * (high - low)) / grid;
    sum += Math.abs(cdf(sa, x) - cdf(sb, x));
  }
  return (sum * (high - low)) / grid;
}

test('Jensen–Shannon distance is a bounded symmetric metric: 0 on equal shares, 1 on disjoint ones', (t) => {
  t.is(jensenShannonDistance([0.5, 0.5], [0.5, 0.5]), 0);
  t.true(Math.abs(jensenShannonDistance([1, 0], [0, 1]) - 1) < 1e-12);
  fc.assert(
    fc.property(shares, shares, (p, q) => {
      if (p.length !== q.length) return;
      const d = jensenShannonDistance(p, q);
      t.true(d >= 0 && d <= 1);
      t.true(Math.abs(d - jensenShannonDistance(q, p)) < 1e-12);
    }),
  );
});

test('binned KS and Wasserstein intervals contain the exact statistics computed on the raw values', (t) => {
  const reference = normals(5000, 1);
  const edges = quantileBinEdges([...reference].sort((x, y) => x - y), 10);
  for (const [seed, shift] of [[2, 0], [3, 0.3], [4, 1]] as const) {
    const current = normals(2000, seed, shift);
    const p = toShares(binCounts(edges, reference));
    const q = toShares(binCounts(edges, current));
    const ks = binnedKolmogorovSmirnov(p, q);
    const exact = exactKs(reference, current);
    t.true(exact >= ks.value - ks.bound - 1e-12 && exact <= ks.value + ks.bound + 1e-12, `KS ${exact} in ${ks.value}±${ks.bound}`);
    const low = -2.326;
    const high = 2.326;
    const w = binnedWasserstein(p, q, edges, low, high, 1);
    const exactW = exactW1Clipped(reference, current, low, high);
    t.true(exactW >= w.value - w.bound - 1e-3 && exactW <= w.value + w.bound + 1e-3, `W ${exactW} in ${w.value}±${w.bound}`);
  }
});

test('the χ² quantile approximation is within 2 % of tabulated 99 % points', (t) => {
  for (const [k, table] of [[3, 11.345], [9, 21.666], [17, 33.409]] as const) {
    const value = chiSquareQuantile(k, 2.326);
    t.true(Math.abs(value - table) / table < 0.02, `k=${k}: ${value} vs ${table}`);
  }
});
