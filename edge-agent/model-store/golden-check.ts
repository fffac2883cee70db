import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { GOLDEN_FILE, goldenInputMatrix, goldenSamplesSchema, withinGoldenTolerance, type GoldenSamples } from '../../protocols/bundle/golden.js';
import { manifestServingChoice, modelFileFor, type ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ActiveModel } from '../ports.js';
import { writeServingChoice } from './serving-choice.js';
import { withPrecisionPreference } from '../config/profile.js';
import type { GoldenJob, GoldenJobResult } from './golden-protocol.js';

/** What the golden-sample smoke test measured, and the precision the version will serve in. */
export interface GoldenCheckResult {
  rows: number;
  /** Largest |got − expected| over the rows, for the graph that serves. */
  maxAbsError: number;
  serving: ServingPrecision;
  /** The checked model with `modelPath` and `serving` set to the graph that passed. */
  model: ActiveModel;
}

/** Codes of an int8 graph that does not reproduce here: fp32 serves instead of a rollback. */
const INT8_FALLBACK_CAUSES = new Set(['FC_ERR_UPDATE_GOLDEN_FAILED', 'FC_ERR_UPDATE_MODEL_LOAD_FAILED']);

function runInWorker(job: GoldenJob): Promise<GoldenJobResult> {
  return new Promise((resolve, reject) => {
    // SHARE_ENV: the session factory turns onnxruntime telemetry off through the real environment.
    const worker = new Worker(new URL('./golden-worker.js', import.meta.url), { workerData: job, env: SHARE_ENV });
    worker.once('message', (result: GoldenJobResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`golden worker exited with ${code}`));
    });
  });
}

/** Runs one graph of the bundle on the golden rows against its expected outputs and tolerance. */
async function checkGraph(model: ActiveModel, golden: GoldenSamples, precision: ServingPrecision['precision']): Promise<{ rows: number; maxAbsError: number }> {
  const { manifest } = model;
  const expected = precision === 'int8' ? golden.expected.modelInt8 : golden.expected.model;
  const tolerance = precision === 'int8' ? manifest.quantization?.goldenTolerance : manifest.goldenTolerance;
  if (!expected || !tolerance) throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', `no expected outputs or tolerance for the ${precision} model`);
  const modelPath = join(model.dir, modelFileFor(manifest, precision));
  const result = await runInWorker({ modelPath, inputName: manifest.input.name, outputName: manifest.output.name, width: manifest.input.features.length, rows: goldenInputMatrix(golden) }).catch((error: unknown) => {
    throw new FleetcastError('FC_ERR_UPDATE_MODEL_LOAD_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
  });
  if (!result.ok) throw new FleetcastError('FC_ERR_UPDATE_MODEL_LOAD_FAILED', result.message, { modelPath });
  let maxAbsError = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const got = result.outputs[i];
    maxAbsError = Math.max(maxAbsError, Math.abs(got - expected[i]));
    if (!withinGoldenTolerance(got, expected[i], tolerance)) {
      throw new FleetcastError('FC_ERR_UPDATE_GOLDEN_FAILED', `${precision} row ${i}: got ${got}, expected ${expected[i]}`, { row: i, got, expected: expected[i], tolerance });
    }
  }
  return { rows: expected.length, maxAbsError };
}

/**
 * The staging smoke test (DESIGN "staging (load + golden samples)"): loads the bundle's graph
 * in onnxruntime-node, runs `golden.json` and requires every output within its tolerance of
 * what the packager saw. The int8 graph is tried first when the manifest allows it; when it
 * fails here (another CPU's kernel, issue #10) fp32 is checked and serves, and the reason is
 * recorded (`serving-choice.ts`) and reported — the deployment is not rolled back for int8.
 * FC_ERR_UPDATE_MODEL_LOAD_FAILED / FC_ERR_UPDATE_GOLDEN_FAILED only when fp32 fails.
 */
export async function runGoldenCheck(model: ActiveModel): Promise<GoldenCheckResult> {
  const { manifest } = model;
  let golden: GoldenSamples;
  try {
    golden = goldenSamplesSchema.parse(JSON.parse(await readFile(join(model.dir, GOLDEN_FILE), 'utf8')));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', model.dir, { dir: model.dir }, { cause: error });
  }
  const width = manifest.input.features.length;
  if (golden.rows.some((row) => row.length !== width)) throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', `rows must have ${width} values`);
  let serving = withPrecisionPreference(manifestServingChoice(manifest));
  let checked: { rows: number; maxAbsError: number } | null = null;
  if (serving.precision === 'int8') {
    try {
      checked = await checkGraph(model, golden, 'int8');
    } catch (error) {
      const coded = toFleetcastError(error);
      if (!INT8_FALLBACK_CAUSES.has(coded.code)) throw coded;
      serving = { precision: 'fp32', fallback: { code: 'FC_ERR_INT8_GOLDEN_FAILED', detail: `${coded.code}: ${coded.message}`.slice(0, 1000) } };
    }
  }
  checked ??= await checkGraph(model, golden, 'fp32');
  await writeServingChoice(model.dir, serving).catch((error: unknown) => {
    throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${model.dir}: ${(error as Error).message}`, { dir: model.dir }, { cause: error });
  });
  return { ...checked, serving, model: { ...model, modelPath: join(model.dir, modelFileFor(manifest, serving.precision)), serving } };
}
