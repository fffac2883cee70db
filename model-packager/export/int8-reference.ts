import onnxProto from 'onnx-proto';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { float16Value } from './float16.js';
import { INPUT_NAME, OUTPUT_NAME } from './onnx-builder.js';

const DataType = onnxProto.onnx.TensorProto.DataType;

/**
 * Per float operation, how far (relative) a kernel may land from the correctly rounded float32
 * result: 16 ulps. IEEE elementwise ops are within ½ ulp; fused (MatMulIntegerToFloat with
 * FMA), reordered (as·ws folded differently) or vectorised (Exp) ones within a few.
 */
export const KERNEL_FLOAT_SLACK = 2 ** -20;
/** Absolute slack per float operation: covers flush-to-zero of float32 denormals. */
const KERNEL_FLOAT_SLACK_ABS = 2 ** -126;

/** Output bounds of a graph: every conforming kernel's output for row r lies in [lo[r], hi[r]]. */
export interface ReferenceBounds {
  lo: Float64Array;
  hi: Float64Array;
}

/** A tensor as an interval per element (lo == hi for exactly known values). */
interface Bounded {
  dims: number[];
  lo: Float64Array;
  hi: Float64Array;
}

function size(dims: number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

function initializerValues(tensor: onnxProto.onnx.ITensorProto): Float64Array {
  const raw = tensor.rawData ?? new Uint8Array(0);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = size((tensor.dims ?? []).map(Number));
  const out = new Float64Array(n);
  const floats = tensor.floatData ?? [];
  for (let i = 0; i < n; i += 1) {
    switch (tensor.dataType) {
      case DataType.FLOAT: out[i] = raw.length ? view.getFloat32(i * 4, true) : floats[i]; break;
      case DataType.DOUBLE: out[i] = view.getFloat64(i * 8, true); break;
      case DataType.FLOAT16: out[i] = float16Value(view.getUint16(i * 2, true)); break;
      case DataType.INT8: out[i] = view.getInt8(i); break;
      case DataType.UINT8: out[i] = view.getUint8(i); break;
      default: throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', `reference: initializer ${tensor.name} has data type ${tensor.dataType}`);
    }
  }
  return out;
}

/** Broadcast (numpy rules) index maps from the output to each operand. */
function broadcast(a: number[], b: number[]): { dims: number[]; ia: Int32Array; ib: Int32Array } {
  const rank = Math.max(a.length, b.length);
  const pa = [...Array(rank - a.length).fill(1), ...a] as number[];
  const pb = [...Array(rank - b.length).fill(1), ...b] as number[];
  const dims = pa.map((d, i) => Math.max(d, pb[i]));
  const n = size(dims);
  const ia = new Int32Array(n);
  const ib = new Int32Array(n);
  for (let flat = 0; flat < n; flat += 1) {
    let rest = flat;
    let offA = 0;
    let offB = 0;
    let strideA = 1;
    let strideB = 1;
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      const index = rest % dims[axis];
      rest = Math.floor(rest / dims[axis]);
      if (pa[axis] !== 1) offA += index * strideA;
      if (pb[axis] !== 1) offB += index * strideB;
      strideA *= pa[axis];
      strideB *= pb[axis];
    }
    ia[flat] = offA;
    ib[flat] = offB;
  }
  return { dims, ia, ib };
}

/**
 * Interval evaluation of fleetcast's int8 MLP graphs (`mlpToOnnx` with quantization) from
 * the ONNX bytes themselves. Integer steps (QuantizeLinear's rounding, MatMulInteger) are
 * exact; float steps round to float32 like onnxruntime and, with `slack` > 0, widen by
 * `slack`·|v| so that any kernel within that many ulps per operation stays inside. A value
 * whose quantization could round either way keeps both neighbours, so a rounding flip on
 * another CPU is inside the bound by construction (issue #10).
 */
class IntervalGraph {
  private readonly values = new Map<string, Bounded>();

  constructor(private readonly slack: number) {}

  set(name: string, value: Bounded): void {
    this.values.set(name, value);
  }

  get(name: string): Bounded {
    const value = this.values.get(name);
    if (!value) throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', `reference: ${name} is not computed`);
    return value;
  }

  /** float32 rounding, widened outwards by the kernel slack. */
  down(v: number): number {
    const r = Math.fround(v);
    return this.slack > 0 ? r - Math.abs(r) * this.slack - KERNEL_FLOAT_SLACK_ABS : r;
  }

  up(v: number): number {
    const r = Math.fround(v);
    return this.slack > 0 ? r + Math.abs(r) * this.slack + KERNEL_FLOAT_SLACK_ABS : r;
  }

  binary(a: Bounded, b: Bounded, op: string, float: boolean): Bounded {
    const { dims, ia, ib } = broadcast(a.dims, b.dims);
    const lo = new Float64Array(ia.length);
    const hi = new Float64Array(ia.length);
    for (let i = 0; i < ia.length; i += 1) {
      const al = a.lo[ia[i]];
      const ah = a.hi[ia[i]];
      const bl = b.lo[ib[i]];
      const bh = b.hi[ib[i]];
      let l: number;
      let h: number;
      if (op === 'Add') [l, h] = [al + bl, ah + bh];
      else if (op === 'Sub') [l, h] = [al - bh, ah - bl];
      else {
        if (op === 'Div' && bl <= 0 && bh >= 0) throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', 'reference: division by an interval holding 0');
        const corners = op === 'Mul' ? [al * bl, al * bh, ah * bl, ah * bh] : [al / bl, al / bh, ah / bl, ah / bh];
        [l, h] = [Math.min(...corners), Math.max(...corners)];
      }
      lo[i] = float ? this.down(l) : l;
      hi[i] = float ? this.up(h) : h;
    }
    return { dims, lo, hi };
  }

  monotone(a: Bounded, f: (v: number) => number, round: boolean): Bounded {
    const lo = Float64Array.from(a.lo, (v) => (round ? this.down(f(v)) : f(v)));
    const hi = Float64Array.from(a.hi, (v) => (round ? this.up(f(v)) : f(v)));
    return { dims: a.dims, lo, hi };
  }

  /** y = saturate(roundHalfEven(x / scale) + zeroPoint) to uint8, per tensor. */
  quantize(x: Bounded, scale: number, zeroPoint: number): Bounded {
    const q = (v: number) => Math.max(0, Math.min(255, roundHalfEven(v) + zeroPoint));
    return {
      dims: x.dims,
      lo: Float64Array.from(x.lo, (v) => q(this.down(v / scale))),
      hi: Float64Array.from(x.hi, (v) => q(this.up(v / scale))),
    };
  }
}

/** Round half to even, as ONNX QuantizeLinear specifies. */
export function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Exact int32 MatMulInteger (zero point on A only) over intervals. */
function matMulInteger(a: Bounded, b: Bounded, zeroPoint: number): Bounded {
  const [n, k] = a.dims;
  const m = b.dims[1];
  if (b.dims[0] !== k) throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', `reference: MatMulInteger [${a.dims}] × [${b.dims}]`);
  const lo = new Float64Array(n * m);
  const hi = new Float64Array(n * m);
  for (let r = 0; r < n; r += 1) {
    for (let j = 0; j < m; j += 1) {
      let sl = 0;
      let sh = 0;
      for (let i = 0; i < k; i += 1) {
        const w = b.lo[i * m + j];
        const xl = a.lo[r * k + i] - zeroPoint;
        const xh = a.hi[r * k + i] - zeroPoint;
        if (w >= 0) { sl += xl * w; sh += xh * w; } else { sl += xh * w; sh += xl * w; }
      }
      lo[r * m + j] = sl;
      hi[r * m + j] = sh;
    }
  }
  return { dims: [n, m], lo, hi };
}

const FLOAT_OPS = new Set(['Add', 'Sub', 'Mul', 'Div']);

function castTo(graph: IntervalGraph, input: Bounded, to: number): Bounded {
  if (to === DataType.DOUBLE) return input;
  if (to !== DataType.FLOAT) throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', `reference: Cast to ${to}`);
  return graph.monotone(input, (v) => v, true);
}

/**
 * Evaluates an int8 MLP graph on `rows` (row-major [n, featureCount]) with integer-exact
 * accumulation. `slack` 0 gives the exact-integer reference itself (lo == hi: what a kernel
 * that rounds every float op correctly returns); `KERNEL_FLOAT_SLACK` gives the bound that
 * holds on every onnxruntime kernel whose int32 sums are exact.
 */
export function int8ReferenceBounds(onnxBytes: Uint8Array, rows: Float32Array, featureCount: number, slack = KERNEL_FLOAT_SLACK): ReferenceBounds {
  const model = onnxProto.onnx.ModelProto.decode(onnxBytes);
  const graph = new IntervalGraph(slack);
  const n = rows.length / featureCount;
  const input = Float64Array.from(rows);
  graph.set(INPUT_NAME, { dims: [n, featureCount], lo: input, hi: input });
  for (const tensor of model.graph?.initializer ?? []) {
    const values = initializerValues(tensor);
    graph.set(tensor.name ?? '', { dims: (tensor.dims ?? []).map(Number), lo: values, hi: values });
  }
  const scalar = (name: string) => graph.get(name).lo[0];
  for (const node of model.graph?.node ?? []) {
    const inputs = node.input ?? [];
    const output = (node.output ?? [])[0];
    const op = node.opType ?? '';
    const attribute = (name: string) => Number((node.attribute ?? []).find((a) => a.name === name)?.i ?? 0);
    let result: Bounded;
    if (FLOAT_OPS.has(op)) result = graph.binary(graph.get(inputs[0]), graph.get(inputs[1]), op, true);
    else if (op === 'IsNaN') result = graph.monotone(graph.get(inputs[0]), (v) => (Number.isNaN(v) ? 1 : 0), false);
    else if (op === 'Where') {
      const [condition, a, b] = inputs.map((name) => graph.get(name));
      const dims = broadcast(condition.dims, broadcast(a.dims, b.dims).dims).dims;
      const [ic, ia, ib] = [condition, a, b].map((operand) => broadcast(dims, operand.dims).ib);
      const pick = (side: 'lo' | 'hi') => Float64Array.from(ic, (c, i) => (condition.lo[c] ? a[side][ia[i]] : b[side][ib[i]]));
      result = { dims, lo: pick('lo'), hi: pick('hi') };
    } else if (op === 'QuantizeLinear') result = graph.quantize(graph.get(inputs[0]), scalar(inputs[1]), scalar(inputs[2]));
    else if (op === 'MatMulInteger') result = matMulInteger(graph.get(inputs[0]), graph.get(inputs[1]), inputs[2] ? scalar(inputs[2]) : 0);
    else if (op === 'Cast') result = castTo(graph, graph.get(inputs[0]), attribute('to'));
    else if (op === 'Relu') result = graph.monotone(graph.get(inputs[0]), (v) => Math.max(0, v), false);
    else if (op === 'Exp') result = graph.monotone(graph.get(inputs[0]), Math.exp, true);
    else if (op === 'Sigmoid') result = graph.monotone(graph.get(inputs[0]), (v) => 1 / (1 + Math.exp(-v)), true);
    else if (op === 'Identity') result = graph.get(inputs[0]);
    else throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', `reference: operator ${op}`);
    graph.set(output, result);
  }
  const out = graph.get(OUTPUT_NAME);
  return { lo: out.lo, hi: out.hi };
}

/**
 * Largest |pair| of u8×s8 products a VPMADDUBSW lane can see in the graph's MatMulIntegers:
 * 2·255·max|w|. At most 32767 means no kernel saturates (see `INT8_WEIGHT_MAX`).
 */
export function maxPairMagnitude(onnxBytes: Uint8Array): number {
  const model = onnxProto.onnx.ModelProto.decode(onnxBytes);
  const weights = new Set((model.graph?.node ?? []).filter((node) => node.opType === 'MatMulInteger').map((node) => (node.input ?? [])[1]));
  let maxWeight = 0;
  for (const tensor of model.graph?.initializer ?? []) {
    if (weights.has(tensor.name ?? '')) for (const w of initializerValues(tensor)) maxWeight = Math.max(maxWeight, Math.abs(w));
  }
  return 2 * 255 * maxWeight;
}
