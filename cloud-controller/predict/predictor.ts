import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { verifyBundle } from '../../protocols/bundle/verify-bundle.js';
import { manifestServingChoice, modelFileFor } from '../../protocols/bundle/serving-precision.js';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import type { BundleManifest } from '../../protocols/bundle/manifest.js';
import { REFERENCE_FILE, referenceProfileSchema, type ReferenceProfile } from '../../protocols/drift/reference-profile.js';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { featureNames } from '../../protocols/features/feature-names.js';
import { SalesHistory, type HistoryActual } from '../../protocols/features/sales-history.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { Registry } from '../registry/registry.js';
import { OnnxWorkerClient } from './onnx-client.js';
import { clampPredictions, predictionCeiling } from '../../protocols/bundle/prediction-bounds.js';
import type { PredictResponse, PredictRow } from './schema.js';

/** Sessions kept loaded at once; each holds its graph in memory, and few versions serve at a time (Production, challenger, Staging). */
export const MAX_LOADED_MODELS = 4;

interface LoadedModel {
  key: string;
  ref: ModelRef;
  manifest: BundleManifest;
  ceiling: number | null;
}

/**
 * The ONNX file an agent serves before its golden check (`manifestServingChoice`, shared with
 * edge-agent): int8 only when it is saturation-free by construction (issue #10).
 */
function servingModelFile(manifest: BundleManifest): string {
  try {
    return modelFileFor(manifest, manifestServingChoice(manifest).precision);
  } catch (error) {
    throw new FleetcastError('FC_ERR_PREDICT_FAILED', 'bundle lists no model file', undefined, { cause: error });
  }
}

function parseReference(bytes: Buffer | undefined): ReferenceProfile | null {
  if (!bytes) return null;
  const parsed = referenceProfileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  return parsed.success ? parsed.data : null;
}

/**
 * Cloud-side scoring (issue #6 "predict"): resolves `name@ref` in the registry, re-verifies
 * the stored bundle, builds features with the shared executor (protocols/features — the same
 * code the agent and training run) and scores with onnxruntime-node, both on a worker thread
 * for API requests, with the same model file the agent would serve. Outputs are clamped to [0, ceiling] (protocols/bundle/prediction-bounds.ts).
 */
export class Predictor {
  /** Loaded sessions by bundle sha256, least recently used first (Map keeps insertion order). */
  private readonly cache = new Map<string, { loading: Promise<LoadedModel>; inFlight: number }>();

  constructor(private readonly registry: Registry, private readonly trustedKeys: TrustedKeys, private readonly onnx = new OnnxWorkerClient()) {}

  /**
   * Forecasts `rows` (in order) with the version `ref` names, features built from `history`
   * (an index built once when a batch scores many chunks against the same actuals).
   */
  async predict(name: string, ref: string | number, rows: readonly PredictRow[], history: readonly HistoryActual[] | SalesHistory): Promise<PredictResponse> {
    const entry = this.acquire(name, ref);
    try {
      const model = await entry.loading;
      let raw: Float32Array;
      if (history instanceof SalesHistory) {
        // Batch scoring (a CLI or child process, no broker beside it) reuses one history index.
        const matrix = buildFeatureMatrix(model.manifest.featureSpec, history, rows);
        raw = await this.onnx.run(model.key, matrix.matrix, matrix.nRows);
      } else {
        raw = await this.onnx.predict(model.key, [...rows], [...history]);
      }
      const { values, clamped } = clampPredictions(raw, model.ceiling);
      return {
        model: model.ref,
        predictions: rows.map((row, i) => ({ store: row.store, item: row.item, date: row.date, value: values[i] })),
        clamped,
        ceiling: model.ceiling,
      };
    } finally {
      entry.inFlight -= 1;
    }
  }

  /** Bundle sha256s with a loaded (or loading) session, least recently used first. */
  loadedModels(): string[] {
    return [...this.cache.keys()];
  }

  /** Ends the onnxruntime worker. */
  async close(): Promise<void> {
    await this.onnx.close();
  }

  /**
   * The cache entry of the version `ref` names, marked in use. Resolving the ref on every call
   * makes a promotion take effect on the next request; the session itself is reused by sha256.
   */
  private acquire(name: string, ref: string | number): { loading: Promise<LoadedModel>; inFlight: number } {
    const version = this.registry.getModelVersion(name, ref);
    let entry = this.cache.get(version.sha256);
    if (entry) {
      this.cache.delete(version.sha256);
    } else {
      const loading = this.loadVersion(version.bundlePath, version.sha256, { name: version.name, version: version.version });
      loading.catch(() => this.cache.delete(version.sha256));
      entry = { loading, inFlight: 0 };
    }
    this.cache.set(version.sha256, entry);
    entry.inFlight += 1;
    this.evictIdle();
    return entry;
  }

  /** Releases the least recently used idle sessions beyond MAX_LOADED_MODELS (a long-running daemon sees many versions). */
  private evictIdle(): void {
    for (const [key, entry] of this.cache) {
      if (this.cache.size <= MAX_LOADED_MODELS) return;
      if (entry.inFlight > 0) continue;
      this.cache.delete(key);
      void entry.loading.then(() => this.onnx.unload(key), () => undefined);
    }
  }

  private async loadVersion(bundlePath: string, sha256: string, ref: ModelRef): Promise<LoadedModel> {
    const verified = await verifyBundle(bundlePath, { trustedKeys: this.trustedKeys });
    const manifest = verified.manifest;
    const expected = featureNames(manifest.featureSpec);
    const declared = manifest.input.features.map((feature) => feature.name);
    if (expected.join('\u0000') !== declared.join('\u0000')) throw new FleetcastError('FC_ERR_PREDICT_FAILED', 'manifest input features differ from its feature spec', { expected, declared });
    const modelBytes = verified.files.get(servingModelFile(manifest));
    if (!modelBytes) throw new FleetcastError('FC_ERR_PREDICT_FAILED', 'serving model file missing');
    await this.onnx.load(sha256, modelBytes, { inputName: manifest.input.name, outputName: manifest.output.name, width: declared.length, featureSpec: manifest.featureSpec });
    return { key: sha256, ref, manifest, ceiling: predictionCeiling(manifest, parseReference(verified.files.get(REFERENCE_FILE))) };
  }
}
