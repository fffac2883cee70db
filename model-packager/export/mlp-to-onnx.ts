import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { MlpModel } from '../models/trained-model.js';
import { appendLink } from './link-nodes.js';
import { attr, buildModel, floatTensor, int8Tensor, node, uint8Tensor, type GraphParts } from './onnx-builder.js';
import { appendStandardisation } from './standardise-nodes.js';
import { pushCompactFloat } from './compact-float.js';

/** ONNX TensorProto.DataType.FLOAT, the Cast target of the int32 accumulators. */
const FLOAT = 1;
import type { MlpQuantization } from './quantize-mlp.js';

/** Throws FC_ERR_EXPORT_MODEL_INVALID unless layer shapes chain from the input to one output. */
function checkShapes(model: MlpModel): void {
  let width = model.featureNames.length;
  if (model.inputMean.length !== width || model.inputStd.length !== width || (model.inputImpute !== undefined && model.inputImpute.length !== width)) throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', 'mean/std must have one entry per feature');
  model.layers.forEach((layer, index) => {
    if (layer.bias.length !== layer.weights.length || layer.weights.some((row) => row.length !== width)) {
      throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', `layer ${index}: weights must be [out][${width}] with one bias per output`, { layer: index });
    }
    width = layer.weights.length;
  });
  if (width !== 1) throw new FleetcastError('FC_ERR_EXPORT_MODEL_INVALID', 'last layer must have one output');
}

/** `weights[out][in]` transposed to the row-major [in, out] matrix MatMul takes. */
function transposed(weights: number[][]): Float32Array {
  const out = weights.length;
  const inputs = weights[0].length;
  const data = new Float32Array(inputs * out);
  for (let o = 0; o < out; o += 1) for (let i = 0; i < inputs; i += 1) data[i * out + o] = weights[o][i];
  return data;
}

/**
 * MLP → NaN imputation and Sub/Div standardisation → per layer MatMul + Add (+ Relu) → Mul/Add target scaling →
 * link. With `quantization` (QOperator form), each layer's weights are int8 initializers with
 * one scale per output channel, each layer input is quantized to uint8 with its calibrated
 * scale, and MatMulInteger accumulates in int32 before rescaling to float; scales and biases
 * are stored as float16 where lossless enough (`compact-float.ts`).
 */
export function mlpToOnnx(model: MlpModel, options: { quantization?: MlpQuantization; docString?: string } = {}): Uint8Array {
  checkShapes(model);
  const f = model.featureNames.length;
  const q = options.quantization;
  const parts: GraphParts = { nodes: [], initializers: [] };
  appendStandardisation(parts, model, 'h0');
  model.layers.forEach((layer, l) => {
    const input = `h${l}`;
    const out = layer.weights.length;
    const inputs = layer.weights[0].length;
    const pre = layer.activation === 'relu' ? `z${l}` : `h${l + 1}`;
    if (q) {
      const activation = q.activations[l];
      const weight = q.weights[l];
      parts.initializers.push(
        floatTensor(`as${l}`, [], [activation.scale]),
        uint8Tensor(`az${l}`, [], Uint8Array.of(activation.zeroPoint)),
        int8Tensor(`wq${l}`, [inputs, out], weight.values),
      );
      pushCompactFloat(parts, `ws${l}`, [out], weight.scales, weight.scalesFloat16);
      pushCompactFloat(parts, `b${l}`, [out], layer.bias);
      // x ≈ as·(xq − az), w ≈ ws·wq ⇒ x·w ≈ (as·ws) ⊙ MatMulInteger(xq, wq; az). The
      // Mul(ws, as) is constant-folded at load; onnxruntime fuses MatMulInteger → Cast → Mul
      // into one integer kernel, and no weight is dequantized per request.
      parts.nodes.push(
        node('QuantizeLinear', [input, `as${l}`, `az${l}`], [`hq${l}`]),
        node('MatMulInteger', [`hq${l}`, `wq${l}`, `az${l}`], [`mi${l}`]),
        node('Cast', [`mi${l}`], [`mf${l}`], [attr.int('to', FLOAT)]),
        node('Mul', [`ws${l}`, `as${l}`], [`cs${l}`]),
        node('Mul', [`mf${l}`, `cs${l}`], [`m${l}`]),
        node('Add', [`m${l}`, `b${l}`], [pre]),
      );
    } else {
      parts.initializers.push(floatTensor(`w${l}`, [inputs, out], transposed(layer.weights)), floatTensor(`b${l}`, [out], layer.bias));
      parts.nodes.push(node('MatMul', [input, `w${l}`], [`m${l}`]), node('Add', [`m${l}`, `b${l}`], [pre]));
    }
    if (layer.activation === 'relu') parts.nodes.push(node('Relu', [pre], [`h${l + 1}`]));
  });
  const last = `h${model.layers.length}`;
  parts.initializers.push(floatTensor('output_scale', [], [model.outputScale]), floatTensor('output_offset', [], [model.outputOffset]));
  parts.nodes.push(node('Mul', [last, 'output_scale'], ['scaled']), node('Add', ['scaled', 'output_offset'], ['raw_score']));
  appendLink(parts, 'raw_score', model.link);
  return buildModel(parts, f, { graphName: q ? 'fleetcast_mlp_int8' : 'fleetcast_mlp', docString: options.docString });
}

