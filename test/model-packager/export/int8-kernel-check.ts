import { compareWithReference } from './int8-kernel-fixture.js';

/**
 * One process that checks onnxruntime's int8 kernels on this CPU against the exact-integer
 * reference — runnable under an emulated CPU, which ava's worker processes are not:
 *
 *   node dist/test/model-packager/export/int8-kernel-check.js [--json]
 *   qemu-x86_64 -cpu Haswell "$(readlink -f "$(command -v node)")" dist/test/model-packager/export/int8-kernel-check.js
 *   qemu-x86_64 -cpu Nehalem "$(readlink -f "$(command -v node)")" dist/test/model-packager/export/int8-kernel-check.js
 *
 * Rows are the shipped 7-bit weights (identity and exp link) and, for contrast, full-range
 * ±127 weights, which saturate VPMADDUBSW on AVX2 without VNNI (issue #10). Exit code 1 when a
 * shipped-weights case leaves the bound.
 */
const cases = [
  { name: '7-bit weights, identity link', seed: 11 },
  { name: '7-bit weights, exp link', seed: 12, link: 'exp' as const },
  { name: 'full-range ±127 weights (not shipped)', seed: 11, weightMax: 127 },
];
const results = [];
for (const { name, ...options } of cases) results.push({ name, ...(await compareWithReference(options)) });
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
else {
  for (const r of results) {
    process.stdout.write(`${r.name}: max pair ${r.maxPair}, ${r.outside}/${r.rows} rows outside the bound, ${r.exact} exact, max |ort − exact| ${r.maxAbsDeviation.toExponential(3)}, mean relative ${r.meanRelativeDeviation.toExponential(3)}, widest bound ${r.maxBoundWidth.toExponential(3)}, ${r.pinned} rows pinned\n`);
  }
}
process.exitCode = results.slice(0, 2).some((r) => r.outside > 0) ? 1 : 0;
