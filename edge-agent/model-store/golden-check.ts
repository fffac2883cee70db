import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { GOLDEN_FILE, goldenInputMatrix, goldenSamplesSchema, withinGoldenTolerance } from '../../protocols/bundle/golden.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ActiveModel } from '../ports.js';
import { servingModelFile } from './installed-model.js';
import type { GoldenJob, GoldenJobResult } from './golden-protocol.js';

/** What the golden-sample smoke test measured. */
export interface GoldenCheckResult {
  rows: number;
  /** Largest |got − expected| over the rows. */
  maxAbsError: number;
}

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

/**
 * The staging smoke test (DESIGN "staging (load + golden samples)"): loads the model the
 * agent will serve in onnxruntime-node — the int8 file when it shipped — runs `golden.json`
 * and requires every output within `manifest.goldenTolerance` of what the packager saw.
 * FC_ERR_UPDATE_MODEL_LOAD_FAILED when onnxruntime refuses the model,
 * FC_ERR_UPDATE_GOLDEN_FAILED when an output is off.
 */
export async function runGoldenCheck(model: ActiveModel): Promise<GoldenCheckResult> {
  const { manifest } = model;
  let golden;
  try {
    golden = goldenSamplesSchema.parse(JSON.parse(await readFile(join(model.dir, GOLDEN_FILE), 'utf8')));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', model.dir, { dir: model.dir }, { cause: error });
  }
  const width = manifest.input.features.length;
  if (golden.rows.some((row) => row.length !== width)) throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', `rows must have ${width} values`);
  const servesInt8 = manifest.files.some((file) => file.role === 'model-int8' && file.path === servingModelFile(manifest));
  const expected = servesInt8 ? golden.expected.modelInt8 : golden.expected.model;
  if (!expected) throw new FleetcastError('FC_ERR_BUNDLE_GOLDEN_INVALID', 'no expected outputs for the int8 model');
  const result = await runInWorker({ modelPath: model.modelPath, inputName: manifest.input.name, outputName: manifest.output.name, width, rows: goldenInputMatrix(golden) }).catch((error: unknown) => {
    throw new FleetcastError('FC_ERR_UPDATE_MODEL_LOAD_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
  });
  if (!result.ok) throw new FleetcastError('FC_ERR_UPDATE_MODEL_LOAD_FAILED', result.message, { modelPath: model.modelPath });
  let maxAbsError = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const got = result.outputs[i];
    maxAbsError = Math.max(maxAbsError, Math.abs(got - expected[i]));
    if (!withinGoldenTolerance(got, expected[i], manifest.goldenTolerance)) {
      throw new FleetcastError('FC_ERR_UPDATE_GOLDEN_FAILED', `row ${i}: got ${got}, expected ${expected[i]}`, { row: i, got, expected: expected[i], tolerance: manifest.goldenTolerance });
    }
  }
  return { rows: expected.length, maxAbsError };
}
