import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

/** Graph input name every fleetcast model uses: one float32 tensor [N, F] (issue #4). */
export const INPUT_NAME = 'features';
/** Graph output name every fleetcast model uses: float32 [N, 1]. */
export const OUTPUT_NAME = 'prediction';

/**
 * Opsets the writer targets. Default domain 13 is the first with per-axis DequantizeLinear
 * (needed for per-channel int8 weights); ai.onnx.ml 3 is the TreeEnsembleRegressor version
 * with `nodes_missing_value_tracks_true`, both run by onnxruntime-node 1.30.
 */
export const OPSETS = { '': 13, 'ai.onnx.ml': 3 } as const;

/** ONNX IR version matching opset 13 (ONNX 1.8). */
const IR_VERSION = 7;

const AttributeType = onnx.AttributeProto.AttributeType;
const DataType = onnx.TensorProto.DataType;

/** Bytes of a typed array, little-endian as ONNX `raw_data` requires (all supported hosts are LE). */
function rawBytes(data: Float32Array | Int8Array | Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A float32 initializer (stored as raw data, which keeps files small). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): ITensorProto {
  return { name, dims, dataType: DataType.FLOAT, rawData: rawBytes(Float32Array.from(values)) };
}

/** A float64 tensor (tree thresholds and leaf weights, see `gbdt-to-onnx.ts`). */
export function doubleTensor(name: string, dims: number[], values: ArrayLike<number>): ITensorProto {
  const data = Float64Array.from(values);
  return { name, dims, dataType: DataType.DOUBLE, rawData: new Uint8Array(data.buffer) };
}

/** A float16 initializer from half-precision bit patterns (see `compactFloat`). */
export function float16Tensor(name: string, dims: number[], bits: Uint16Array): ITensorProto {
  return { name, dims, dataType: DataType.FLOAT16, rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength) };
}

/** An int8 initializer (quantized weights). */
export function int8Tensor(name: string, dims: number[], values: Int8Array): ITensorProto {
  return { name, dims, dataType: DataType.INT8, rawData: rawBytes(values) };
}

/** A uint8 initializer (activation zero points). */
export function uint8Tensor(name: string, dims: number[], values: Uint8Array): ITensorProto {
  return { name, dims, dataType: DataType.UINT8, rawData: rawBytes(values) };
}

/** Attribute constructors, typed as ONNX expects them. */
export const attr = {
  int: (name: string, i: number): IAttributeProto => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): IAttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  string: (name: string, s: string): IAttributeProto => ({ name, type: AttributeType.STRING, s: Buffer.from(s, 'utf8') }),
  ints: (name: string, ints: number[]): IAttributeProto => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: ArrayLike<number>): IAttributeProto => ({ name, type: AttributeType.FLOATS, floats: Array.from(floats) }),
  strings: (name: string, strings: string[]): IAttributeProto => ({ name, type: AttributeType.STRINGS, strings: strings.map((s) => Buffer.from(s, 'utf8')) }),
  tensor: (name: string, t: ITensorProto): IAttributeProto => ({ name, type: AttributeType.TENSOR, t }),
};

/** One graph node. */
export function node(opType: string, inputs: string[], outputs: string[], attributes: IAttributeProto[] = [], domain = ''): INodeProto {
  // Default-domain nodes leave `domain` unset: every byte counts in the int8 size ratio.
  return domain ? { opType, input: inputs, output: outputs, attribute: attributes, domain } : { opType, input: inputs, output: outputs, attribute: attributes };
}

/** A graph under construction: nodes and initializers, serialised by `build`. */
export interface GraphParts {
  nodes: INodeProto[];
  initializers: ITensorProto[];
}

function floatMatrixType(columns: number | null): onnxProto.onnx.ITypeProto {
  return { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, columns === null ? { dimParam: 'F' } : { dimValue: columns }] } } };
}

/**
 * Serialises a graph with input `features` [N, featureCount] and output `prediction` [N, 1].
 * `docString` carries the producer's note (model kind, run id) for people reading the file.
 */
export function buildModel(parts: GraphParts, featureCount: number, options: { graphName: string; docString?: string; usesMl?: boolean }): Uint8Array {
  const opsetImport: { domain: string; version: number }[] = [{ domain: '', version: OPSETS[''] }];
  if (options.usesMl) opsetImport.push({ domain: 'ai.onnx.ml', version: OPSETS['ai.onnx.ml'] });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'fleetcast',
    producerVersion: '1',
    docString: options.docString ?? '',
    opsetImport,
    graph: {
      name: options.graphName,
      node: parts.nodes,
      initializer: parts.initializers,
      input: [{ name: INPUT_NAME, type: floatMatrixType(featureCount) }],
      output: [{ name: OUTPUT_NAME, type: floatMatrixType(1) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Opsets a serialised model imports, as the manifest records them. */
export function opsetsOf(bytes: Uint8Array): Record<string, number> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.opsetImport.map((entry) => [entry.domain ?? '', Number(entry.version)]));
}
