import ort from 'onnxruntime-node';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { INPUT_NAME, OUTPUT_NAME } from '../export/onnx-builder.js';

/** A loaded onnxruntime session bound to fleetcast's input/output names. */
export interface OnnxModelRunner {
  /** Runs rows (row-major [n, featureCount]) and returns one prediction per row. */
  run(rows: Float32Array): Promise<Float32Array>;
  inputNames: readonly string[];
  outputNames: readonly string[];
  release(): Promise<void>;
}

/**
 * Loads ONNX bytes in onnxruntime-node (FC_ERR_EXPORT_ONNX_LOAD_FAILED when it refuses) with
 * one intra-op thread, the way the agent runs it on store hardware (2 cores shared with the
 * broker), so packaging-time latency figures are the figures stores see.
 */
export async function loadOnnx(bytes: Uint8Array, names: { input?: string; output?: string } = {}): Promise<OnnxModelRunner> {
  const inputName = names.input ?? INPUT_NAME;
  const outputName = names.output ?? OUTPUT_NAME;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new FleetcastError('FC_ERR_EXPORT_ONNX_LOAD_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(rows) {
      const featureCount = inputWidth(session, inputName);
      const n = rows.length / featureCount;
      try {
        const result = await session.run({ [inputName]: new ort.Tensor('float32', rows, [n, featureCount]) });
        const output = result[outputName];
        if (!output || output.type !== 'float32' || output.data.length !== n) throw new Error(`output ${outputName} is not float32 with one value per row`);
        return output.data as Float32Array;
      } catch (error) {
        if (error instanceof FleetcastError) throw error;
        throw new FleetcastError('FC_ERR_EXPORT_ONNX_LOAD_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
      }
    },
    release: () => session.release(),
  };
}

/** Declared feature count of the input (last dimension of `[N, F]`). */
function inputWidth(session: ort.InferenceSession, inputName: string): number {
  const meta = session.inputMetadata.find((entry) => entry.name === inputName);
  const shape = meta && meta.isTensor ? meta.shape : [];
  const width = shape[shape.length - 1];
  if (typeof width !== 'number') throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `input ${inputName} has no fixed feature dimension`);
  return width;
}
