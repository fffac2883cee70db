import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { MlpModel } from '../models/trained-model.js';
import { appendLink } from './link-nodes.js';
import { attr, buildModel, floatTensor, int8Tensor, node, uint8Tensor, type GraphParts } from './onnx-builder.js';
import { appendStandardisation } from './standardise-nodes.js';
import { pushCompactFloat } from './compact-float.js';
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
 * link. With `quantization`, each layer's weights are int8 initializers dequantized per
 * output channel, and each layer input passes QuantizeLinear/DequantizeLinear with calibrated
 * uint8 scales (QDQ format), which onnxruntime fuses into integer MatMul kernels; scales and
 * biases are stored as float16 where lossless enough (`compact-float.ts`).
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
    let matmulA = input;
    let matmulB = `w${l}`;
    if (q) {
      const activation = q.activations[l];
      const weight = q.weights[l];
      parts.initializers.push(
        floatTensor(`a${l}_scale`, [], [activation.scale]),
        uint8Tensor(`a${l}_zp`, [], Uint8Array.of(activation.zeroPoint)),
        int8Tensor(`w${l}_q`, [inputs, out], weight.values),
      );
      pushCompactFloat(parts, `w${l}_scale`, [out], weight.scales, weight.scalesFloat16);
      pushCompactFloat(parts, `b${l}`, [out], layer.bias);
      parts.nodes.push(
        node('QuantizeLinear', [input, `a${l}_scale`, `a${l}_zp`], [`${input}_q`]),
        node('DequantizeLinear', [`${input}_q`, `a${l}_scale`, `a${l}_zp`], [`${input}_dq`]),
        node('DequantizeLinear', [`w${l}_q`, `w${l}_scale`], [`w${l}_dq`], [attr.int('axis', 1)]),
      );
      matmulA = `${input}_dq`;
      matmulB = `w${l}_dq`;
    } else {
      parts.initializers.push(floatTensor(`w${l}`, [inputs, out], transposed(layer.weights)), floatTensor(`b${l}`, [out], layer.bias));
    }
    const pre = layer.activation === 'relu' ? `z${l}` : `h${l + 1}`;
    parts.nodes.push(node('MatMul', [matmulA, matmulB], [`m${l}`]), node('Add', [`m${l}`, `b${l}`], [pre]));
    if (layer.activation === 'relu') parts.nodes.push(node('Relu', [pre], [`h${l + 1}`]));
  });
  const last = `h${model.layers.length}`;
  parts.initializers.push(floatTensor('output_scale', [], [model.outputScale]), floatTensor('output_offset', [], [model.outputOffset]));
  parts.nodes.push(node('Mul', [last, 'output_scale'], ['scaled']), node('Add', ['scaled', 'output_offset'], ['raw_score']));
  appendLink(parts, 'raw_score', model.link);
  return buildModel(parts, f, { graphName: q ? 'fleetcast_mlp_int8' : 'fleetcast_mlp', docString: options.docString });
}

