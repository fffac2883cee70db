import type { KeyObject } from 'node:crypto';
import { GOLDEN_FILE } from '../../protocols/bundle/golden.js';
import type { BundleManifest, Quantization } from '../../protocols/bundle/manifest.js';
import { REFERENCE_FILE } from '../../protocols/drift/reference-profile.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { silentProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import type { TrainedModel } from '../models/trained-model.js';
import { exportToOnnx } from '../export/export-model.js';
import { INPUT_NAME, OUTPUT_NAME, opsetsOf } from '../export/onnx-builder.js';
import { GOLDEN_ROWS, GOLDEN_TOLERANCE, goldenSamples, int8GoldenRows, pickRows, spreadIndices } from './golden-samples.js';
import { featureImportances } from './importances.js';
import { loadOnnx } from './onnx-runner.js';
import { checkParity, type ParityReport } from './parity.js';
import { quantizeWithGate } from './quantization-gate.js';
import { buildReferenceProfile } from './reference-profile.js';
import { writeBundle, type BundlePayloadFile } from './write-bundle.js';

/** File names inside the bundle for the fp32 and int8 graphs. */
export const MODEL_FILE = 'model.onnx';
export const MODEL_INT8_FILE = 'model.int8.onnx';

/** A model trained here, or an ONNX file brought in from elsewhere (kind `external`). */
export type PackagedModel =
  | { source: 'trained'; model: TrainedModel; inProcessPredict: (rows: Float32Array) => ArrayLike<number> }
  | { source: 'external'; onnx: Uint8Array; task: BundleManifest['model']['task']; objective: string; inputName: string; outputName: string };

/** Everything a bundle is made from. Matrices are row-major float32 [n, featureNames.length]. */
export interface AssembleInputs {
  name: string;
  version: number;
  packaged: PackagedModel;
  featureSpec: FeatureSpec;
  featureNames: string[];
  /** Sample of training feature rows: reference profile, golden rows, int8 calibration. */
  sampleRows: Float32Array;
  /** Labelled holdout: parity rows, validation error statistics and the int8 gate. */
  holdout: { rows: Float32Array; targets: ArrayLike<number> } | null;
  metrics: BundleManifest['metrics'];
  runId: string | null;
  trainingDataSha256: string | null;
  minAgentVersion?: string;
  /** Request int8 (MLP only); `maxRelativeIncrease` overrides the 1% WAPE gate. */
  quantize: { maxRelativeIncrease?: number } | null;
  privateKey: KeyObject;
  progress?: ProgressReporter;
  /** Clock for `createdAt` (tests pin it). */
  now?: () => Date;
}

/** A written bundle with what `package` reports. */
export interface AssembledBundle {
  bytes: Buffer;
  sha256: string;
  manifest: BundleManifest;
  parity: ParityReport | null;
}

/**
 * Refuses a model that outputs NaN/∞ on its own reference rows: the agent could not answer
 * those POS requests, and golden samples need finite expectations. Typical for brought-in
 * models that do not handle missing values.
 */
function requireFinite(values: Float32Array, what: string): void {
  const row = values.findIndex((value) => !Number.isFinite(value));
  if (row >= 0) throw new FleetcastError('FC_ERR_EXPORT_NONFINITE_OUTPUT', `${what} row ${row}: ${values[row]}`, { row, what });
}

const STEPS = ['export', 'parity', 'quantize', 'golden', 'reference', 'sign'] as const;

function categoricalVocabularies(spec: FeatureSpec, featureNames: string[]): Record<string, string[]> {
  const vocabularies: Record<string, string[]> = {};
  if (featureNames.includes('store')) vocabularies.store = spec.encodings.store.vocabulary;
  if (featureNames.includes('item')) vocabularies.item = spec.encodings.item.vocabulary;
  return vocabularies;
}

/**
 * Export → onnxruntime load → parity against the in-process model (fails packaging with
 * FC_ERR_EXPORT_PARITY_FAILED) → optional int8 behind the WAPE gate → golden samples →
 * reference profile → signed tar (issue #4).
 */
export async function assembleBundle(inputs: AssembleInputs): Promise<AssembledBundle> {
  const progress = inputs.progress ?? silentProgress;
  const f = inputs.featureNames.length;
  if (f === 0 || inputs.sampleRows.length === 0 || inputs.sampleRows.length % f !== 0) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'sample rows must be a non-empty [n, features] matrix');
  if (inputs.holdout && inputs.holdout.rows.length !== inputs.holdout.targets.length * f) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'holdout rows and targets differ in length');
  progress.start(STEPS.length, 'package');
  const packaged = inputs.packaged;
  const doc = `fleetcast ${inputs.name} v${inputs.version}${inputs.runId ? ` run ${inputs.runId}` : ''}`;
  const fp32Bytes = packaged.source === 'trained' ? exportToOnnx(packaged.model, doc) : packaged.onnx;
  if (packaged.source === 'trained' && packaged.model.featureNames.join('\u0000') !== inputs.featureNames.join('\u0000')) {
    throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', 'model feature names differ from the feature order');
  }
  progress.update(1, { step: 'parity' });
  const io = packaged.source === 'external' ? { input: packaged.inputName, output: packaged.outputName, featureCount: f } : { featureCount: f };
  const runner = await loadOnnx(fp32Bytes, io);
  let parity: ParityReport | null = null;
  let samplePredictions: Float32Array;
  let holdoutPredictions: Float32Array | null = null;
  try {
    samplePredictions = await runner.run(inputs.sampleRows);
    requireFinite(samplePredictions, 'sample');
    if (inputs.holdout) {
      holdoutPredictions = await runner.run(inputs.holdout.rows);
      requireFinite(holdoutPredictions, 'holdout');
    }
    if (packaged.source === 'trained') {
      const parityRows = inputs.holdout?.rows ?? inputs.sampleRows;
      parity = checkParity(holdoutPredictions ?? samplePredictions, packaged.inProcessPredict(parityRows));
    }
  } finally {
    await runner.release();
  }
  progress.update(2, { step: 'quantize' });
  let quantization: Quantization | null = null;
  let int8: { bytes: Uint8Array; predictions: Float32Array } | null = null;
  if (inputs.quantize) {
    if (packaged.source !== 'trained' || packaged.model.kind !== 'mlp') throw new FleetcastError('FC_ERR_QUANTIZE_UNSUPPORTED', packaged.source === 'trained' ? packaged.model.kind : 'external');
    if (!inputs.holdout) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'int8 gate needs a labelled holdout');
    const result = await quantizeWithGate({ model: packaged.model, fp32Bytes, calibrationRows: inputs.sampleRows, holdoutRows: inputs.holdout.rows, holdoutTargets: inputs.holdout.targets, maxRelativeIncrease: inputs.quantize.maxRelativeIncrease });
    quantization = result.decision;
    if (result.decision.shipped) int8 = { bytes: result.int8Bytes, predictions: result.int8Predictions };
  }
  progress.update(3, { step: 'golden' });
  // With int8, golden rows are ones where every kernel agrees and the int8 tolerance is derived
  // from their exact-integer reference bounds (issue #10).
  const int8Golden = int8 ? int8GoldenRows(int8.bytes, inputs.sampleRows, f) : null;
  if (quantization && int8Golden) quantization = { ...quantization, goldenTolerance: int8Golden.tolerance };
  const goldenRows = pickRows(inputs.sampleRows, f, int8Golden?.indices ?? spreadIndices(inputs.sampleRows.length / f, GOLDEN_ROWS));
  const goldenRunner = await loadOnnx(fp32Bytes, io);
  const goldenExpected = await goldenRunner.run(goldenRows).finally(() => goldenRunner.release());
  let goldenInt8: Float32Array | null = null;
  if (int8) {
    const int8Runner = await loadOnnx(int8.bytes);
    goldenInt8 = await int8Runner.run(goldenRows).finally(() => int8Runner.release());
  }
  const golden = goldenSamples(goldenRows, f, goldenExpected, goldenInt8);
  progress.update(4, { step: 'reference' });
  const servedHoldout = int8 ? int8.predictions : holdoutPredictions;
  const reference = buildReferenceProfile({
    featureNames: inputs.featureNames,
    rows: inputs.sampleRows,
    predictions: samplePredictions,
    categorical: categoricalVocabularies(inputs.featureSpec, inputs.featureNames),
    importances: packaged.source === 'trained' ? featureImportances(packaged.model) : null,
    holdout: inputs.holdout && servedHoldout ? { actual: inputs.holdout.targets, predicted: servedHoldout } : null,
  });
  progress.update(5, { step: 'sign' });
  const payload: BundlePayloadFile[] = [{ path: MODEL_FILE, role: 'model', bytes: fp32Bytes }];
  if (int8) payload.push({ path: MODEL_INT8_FILE, role: 'model-int8', bytes: int8.bytes });
  payload.push({ path: REFERENCE_FILE, role: 'reference', bytes: Buffer.from(JSON.stringify(reference), 'utf8') });
  payload.push({ path: GOLDEN_FILE, role: 'golden', bytes: Buffer.from(JSON.stringify(golden), 'utf8') });
  const task = packaged.source === 'trained' ? (packaged.model.objective === 'logistic' ? 'binary' : 'regression') : packaged.task;
  const written = await writeBundle({
    formatVersion: 1,
    model: { name: inputs.name, version: inputs.version, kind: packaged.source === 'trained' ? packaged.model.kind : 'external', task, objective: packaged.source === 'trained' ? packaged.model.objective : packaged.objective },
    createdAt: (inputs.now ?? (() => new Date()))().toISOString(),
    runId: inputs.runId,
    trainingDataSha256: inputs.trainingDataSha256,
    minAgentVersion: inputs.minAgentVersion ?? PROTOCOL_VERSION.agentVersion,
    input: { name: io.input ?? INPUT_NAME, dtype: 'float32', features: inputs.featureNames.map((name) => ({ name, dtype: 'float32' as const })) },
    output: { name: io.output ?? OUTPUT_NAME, dtype: 'float32' },
    opsets: opsetsOf(fp32Bytes),
    featureSpec: inputs.featureSpec,
    metrics: inputs.metrics,
    quantization,
    goldenTolerance: { ...GOLDEN_TOLERANCE },
  }, payload, inputs.privateKey);
  progress.update(6);
  progress.stop();
  return { ...written, parity };
}
