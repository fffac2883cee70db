import ort from 'onnxruntime-node';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { INPUT_NAME, OUTPUT_NAME } from '../export/onnx-builder.js';

// No onnxruntime telemetry under ~/.cache while packaging either (issue #9 finding 9; see
// edge-agent/scoring/onnx-session.ts): read from the environment at the first session.
process.env.ORT_DISABLE_TELEMETRY = '1';

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
export async function loadOnnx(bytes: Uint8Array, names: { input?: string; output?: string; featureCount?: number } = {}): Promise<OnnxModelRunner> {
  const inputName = names.input ?? INPUT_NAME;
  const outputName = names.output ?? OUTPUT_NAME;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new FleetcastError('FC_ERR_EXPORT_ONNX_LOAD_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
  }
  if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
    await session.release();
    throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], expected ${inputName} → ${outputName}`);
  }
  const declared = declaredWidth(session, inputName);
  if (declared !== null && names.featureCount !== undefined && declared !== names.featureCount) {
    await session.release();
    throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `input ${inputName} takes ${declared} features, schema lists ${names.featureCount}`);
  }
  const featureCount = declared ?? names.featureCount;
  if (featureCount === undefined) {
    await session.release();
    throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `input ${inputName} has no fixed feature dimension and none was given`);
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(rows) {
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

/** Declared feature count of a float32 `[N, F]` input, or null when F is symbolic. */
function declaredWidth(session: ort.InferenceSession, inputName: string): number | null {
  const meta = session.inputMetadata.find((entry) => entry.name === inputName);
  if (!meta || !meta.isTensor || meta.type !== 'float32' || meta.shape.length !== 2) {
    throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `input ${inputName} is not a float32 [N, F] tensor`);
  }
  const width = meta.shape[1];
  return typeof width === 'number' ? width : null;
}
