import { attr, float16Tensor, floatTensor, node, type GraphParts } from './onnx-builder.js';
import { float16Bits, roundFloat16 } from './float16.js';

/** ONNX TensorProto.DataType.FLOAT, the Cast target. */
const FLOAT = 1;

/**
 * Largest error, relative to the tensor's largest magnitude, accepted when a small float
 * tensor (biases) is stored as float16: far below the int8 weight noise (1/254 of a channel).
 */
const FLOAT16_BIAS_TOLERANCE = 1e-3;

/**
 * Adds float tensor `name` to an int8 graph, stored as float16 + Cast when that is lossless
 * enough (`exactFloat16` for values already rounded to float16, else ≤ 0.1% of the tensor's
 * scale). Per-channel scales and biases are ~15% of an int8 MLP of 20–30 inputs; halving them
 * keeps the int8 file ≤ 0.3× fp32 (issue #4). onnxruntime folds the Cast once at load.
 */
export function pushCompactFloat(parts: GraphParts, name: string, dims: number[], values: ArrayLike<number>, exactFloat16 = false): void {
  const list = Array.from(values);
  const scale = list.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const fits = exactFloat16 || list.every((v) => {
    const rounded = roundFloat16(v);
    return Number.isFinite(rounded) && Math.abs(rounded - v) <= FLOAT16_BIAS_TOLERANCE * scale;
  });
  if (!fits) {
    parts.initializers.push(floatTensor(name, dims, list));
    return;
  }
  parts.initializers.push(float16Tensor(`${name}_h`, dims, Uint16Array.from(list, float16Bits)));
  parts.nodes.push(node('Cast', [`${name}_h`], [name], [attr.int('to', FLOAT)]));
}
