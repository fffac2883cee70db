import type { OnnxModelRunner } from './onnx-runner.js';

/** Timed repetitions per batch size after warm-up; the median damps scheduler noise. */
const REPEATS = { 1: 200, 256: 30 } as const;

/** Median per-row latency in microseconds of `runner` at one batch size, on rows cycled from `rows`. */
export async function medianLatencyUsPerRow(runner: OnnxModelRunner, rows: Float32Array, featureCount: number, batch: 1 | 256): Promise<number> {
  const available = rows.length / featureCount;
  const input = new Float32Array(batch * featureCount);
  for (let r = 0; r < batch; r += 1) input.set(rows.subarray((r % available) * featureCount, ((r % available) + 1) * featureCount), r * featureCount);
  for (let i = 0; i < 5; i += 1) await runner.run(input);
  const times: number[] = [];
  for (let i = 0; i < REPEATS[batch]; i += 1) {
    const start = process.hrtime.bigint();
    await runner.run(input);
    times.push(Number(process.hrtime.bigint() - start) / 1000 / batch);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
