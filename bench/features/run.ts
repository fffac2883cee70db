import { performance } from 'node:perf_hooks';
import type { SalesRow } from '../../protocols/data/sales-row.js';
import { buildFeatureMatrix, deriveFeatureSpec, SalesHistory } from '../../protocols/features/index.js';

/**
 * Feature building for one POS request (one row), the step before `session.run` on every
 * request. Moved here from a timed unit test (issue #9); target: well under 0.1 ms. Baseline in
 * the same run: decoding the same request from JSON, which every request pays anyway.
 *
 *   node dist/bench/features/run.js [--calls 20000]
 */
const callsIndex = process.argv.indexOf('--calls');
const calls = callsIndex >= 0 ? Number(process.argv[callsIndex + 1]) : 20_000;
const REPEATS = 5;
const TARGET_US = 100;

const rows: SalesRow[] = [];
for (let day = 0; day < 400; day += 1) {
  const date = new Date(Date.UTC(2023, 10, 1) + day * 86_400_000).toISOString().slice(0, 10);
  rows.push({ date, store: 's1', item: 'i1', units: (day % 7) + 3, price: 2 });
}
const spec = deriveFeatureSpec(rows, { defaultLocale: { country: 'DE' } });
const history = SalesHistory.fromRows(rows);
const request = [{ store: 's1', item: 'i1', date: '2024-12-25', price: 3, promo: true }];
const requestJson = JSON.stringify(request);

/** Median over REPEATS of the µs per call of `work`, after a warm-up. */
function microsPerCall(work: () => unknown): number {
  for (let i = 0; i < 2_000; i += 1) work();
  const samples: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) work();
    samples.push(((performance.now() - start) * 1_000) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

const baseline = microsPerCall(() => JSON.parse(requestJson) as unknown);
const features = microsPerCall(() => buildFeatureMatrix(spec, history, request));
console.log(`Node ${process.version}, ${calls} calls × ${REPEATS}, median`);
console.log('');
console.log('| what | µs per single-row request |');
console.log('|---|---:|');
console.log(`| buildFeatureMatrix (400 days of history, DE holidays) | ${features.toFixed(2)} |`);
console.log(`| baseline: JSON.parse of the same request | ${baseline.toFixed(2)} |`);
console.log('');
console.log(`target ≤ ${TARGET_US} µs: ${features <= TARGET_US ? 'met' : 'NOT met'}`);
