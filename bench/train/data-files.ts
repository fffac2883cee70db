import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntheticSet } from './synthetic-data.js';

/**
 * The benchmark's exchange format, read by both our learner and the XGBoost script: raw
 * little-endian `<split>.X.f32` (row-major float32, NaN = missing), `<split>.y.f64` and
 * `meta.json`. Raw arrays load in milliseconds on both sides (numpy.fromfile), so CSV parsing
 * never enters the timings.
 */
export interface BenchMeta {
  nFeatures: number;
  trainRows: number;
  testRows: number;
}

/** Writes both splits and the metadata into `dir`. */
export function writeBenchData(dir: string, train: SyntheticSet, test: SyntheticSet, nFeatures: number): void {
  for (const [name, set] of [['train', train], ['test', test]] as const) {
    writeFileSync(join(dir, `${name}.X.f32`), new Uint8Array(set.X.buffer, set.X.byteOffset, set.X.byteLength));
    writeFileSync(join(dir, `${name}.y.f64`), new Uint8Array(set.y.buffer, set.y.byteOffset, set.y.byteLength));
  }
  const meta: BenchMeta = { nFeatures, trainRows: train.nRows, testRows: test.nRows };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Reads one split back as typed arrays. */
export function readBenchSplit(dir: string, name: 'train' | 'test', nRows: number): SyntheticSet {
  const xBytes = readFileSync(join(dir, `${name}.X.f32`));
  const yBytes = readFileSync(join(dir, `${name}.y.f64`));
  const X = new Float32Array(xBytes.buffer.slice(xBytes.byteOffset, xBytes.byteOffset + xBytes.byteLength));
  const y = new Float64Array(yBytes.buffer.slice(yBytes.byteOffset, yBytes.byteOffset + yBytes.byteLength));
  return { X, y, nRows };
}

/** Reads `meta.json`. */
export function readBenchMeta(dir: string): BenchMeta {
  return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as BenchMeta;
}
