const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/**
 * The largest float32 not above `threshold`. onnxruntime compares float32 inputs against
 * float32 thresholds, and for any float32 x, `x <= t` ⇔ `x <= floor32(t)`; plain rounding
 * to nearest could round up and send rows sitting between t and fround(t) the other way.
 */
export function float32FloorThreshold(threshold: number): number {
  const rounded = Math.fround(threshold);
  if (rounded <= threshold || !Number.isFinite(rounded)) return rounded;
  scratch[0] = rounded;
  // One ulp towards −∞: positive floats decrease with their bit pattern, negative ones increase.
  if (rounded > 0) scratchBits[0] -= 1;
  else if (rounded === 0) scratchBits[0] = 0x80000001 | 0;
  else scratchBits[0] += 1;
  return scratch[0];
}
