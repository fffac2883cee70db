import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import { assembleBundle, type AssembledBundle } from './assemble-bundle.js';
import { wape } from './error-stats.js';
import { readExternalInputSchema, readReferenceCsv } from './external-model.js';
import { loadOnnx } from './onnx-runner.js';

/** Inputs of `fleetcast package --onnx`. */
export interface ExternalPackageOptions {
  onnxPath: string;
  inputSchemaPath: string;
  referenceCsvPath: string;
  name: string;
  version: number;
  privateKey: KeyObject;
  minAgentVersion?: string;
  progress?: ProgressReporter;
}

/**
 * Packages a brought-in ONNX model with the same checks as our own: it must load in
 * onnxruntime with the schema's input/output names and feature count, and it gets golden
 * samples and a reference profile from the reference CSV. With a `target` column, the CSV also
 * gives holdout WAPE (no seasonal-naive baseline is known for an external model).
 */
export async function packageExternal(options: ExternalPackageOptions): Promise<AssembledBundle> {
  const schema = await readExternalInputSchema(options.inputSchemaPath);
  let onnx: Buffer;
  try {
    onnx = await readFile(options.onnxPath);
  } catch (error) {
    throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `cannot read ${options.onnxPath}`, { path: options.onnxPath }, { cause: error });
  }
  const reference = await readReferenceCsv(options.referenceCsvPath, schema.features, schema.target);
  const holdout = reference.targets ? { rows: reference.rows, targets: reference.targets } : null;
  const metrics: Record<string, number> = {};
  if (holdout) {
    const runner = await loadOnnx(onnx, { input: schema.inputName, output: schema.outputName, featureCount: schema.features.length });
    const predictions = await runner.run(holdout.rows).finally(() => runner.release());
    const value = wape(holdout.targets, predictions);
    if (value !== null) metrics.wape = value;
  }
  return assembleBundle({
    name: options.name,
    version: options.version,
    packaged: { source: 'external', onnx, task: schema.task, objective: schema.objective, inputName: schema.inputName, outputName: schema.outputName },
    featureSpec: schema.featureSpec,
    featureNames: schema.features,
    sampleRows: reference.rows,
    holdout,
    metrics: { model: metrics, seasonalNaive: null },
    runId: null,
    trainingDataSha256: null,
    minAgentVersion: options.minAgentVersion,
    quantize: null,
    privateKey: options.privateKey,
    progress: options.progress,
  });
}
