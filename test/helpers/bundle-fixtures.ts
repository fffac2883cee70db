import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleManifest } from '../../protocols/bundle/manifest.js';
import { parsePrivateKeyPem } from '../../protocols/bundle/keys.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import { MANIFEST_FILE } from '../../protocols/bundle/signature.js';
import type { FeatureSpec } from '../../protocols/features/spec.js';
import type { GbdtModel, LinearModel, MlpModel, TrainedModel } from '../../model-packager/models/trained-model.js';
import { assembleBundle } from '../../model-packager/package/assemble-bundle.js';
import { predictModel } from '../../model-packager/models/predict.js';
import { generateSigningKey } from '../../model-packager/package/signing-keys.js';
import { resignWith } from './bundle-tamper.js';
import { sharedFixture } from './shared-fixture.js';

/** An ed25519 signing key for tests, as KeyObject and PEM texts. */
export interface TestSigningKey {
  privateKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

/** A fresh signing key (call twice for "untrusted signer" and key-rotation tests). */
export function makeSigningKey(): TestSigningKey {
  const generated = generateSigningKey();
  return { ...generated, privateKey: parsePrivateKeyPem(generated.privateKeyPem) };
}

/** Writes `<dir>/<prefix>.pub.pem` and `.key.pem` for CLI tests; returns the paths. */
export async function writeKeyFiles(dir: string, key: TestSigningKey, prefix = 'signer'): Promise<{ publicKeyPath: string; privateKeyPath: string }> {
  const publicKeyPath = join(dir, `${prefix}.pub.pem`);
  const privateKeyPath = join(dir, `${prefix}.key.pem`);
  await writeFile(publicKeyPath, key.publicKeyPem);
  await writeFile(privateKeyPath, key.privateKeyPem, { mode: 0o600 });
  return { publicKeyPath, privateKeyPath };
}

/**
 * Feature order of the test bundles (the feature spec below: horizon 1, lag 7, day of week,
 * store and item ordinal codes over ['s1','s2'] × ['i1','i2']).
 */
export const TEST_FEATURE_NAMES = ['lag_7', 'day_of_week', 'store', 'item'];

/** A small valid feature spec matching TEST_FEATURE_NAMES. */
export function testFeatureSpec(): FeatureSpec {
  return {
    version: 1,
    horizon: 1,
    calendar: { dayOfWeek: true, dayOfMonth: false, month: false, weekOfYear: false, holidays: { enabled: false, window: 7, defaultLocale: { country: 'US' }, storeLocales: {} } },
    lags: [7],
    rolling: [],
    price: { enabled: false, relativeWindow: 28 },
    promo: false,
    weather: [],
    encodings: { store: { kind: 'ordinal', vocabulary: ['s1', 's2'] }, item: { kind: 'ordinal', vocabulary: ['i1', 'i2'] } },
  };
}

/** prediction = 2 + 0.5·lag_7 + 0.25·day_of_week + 1·store − 0.5·item (standardisation is identity). */
export const TEST_LINEAR_MODEL: LinearModel = {
  kind: 'linear',
  objective: 'squared',
  link: 'identity',
  featureNames: TEST_FEATURE_NAMES,
  inputMean: [0, 0, 0, 0],
  inputStd: [1, 1, 1, 1],
  coefficients: [0.5, 0.25, 1, -0.5],
  intercept: 2,
};

/** Two Poisson trees (log link) with a missing-value route on lag_7. */
export const TEST_GBDT_MODEL: GbdtModel = {
  kind: 'gbdt',
  objective: 'poisson',
  link: 'exp',
  baseScore: 1,
  featureNames: TEST_FEATURE_NAMES,
  trees: [
    { feature: [0, 1, -1, -1, -1], threshold: [9.5, 4.5, 0, 0, 0], left: [1, 2, -1, -1, -1], right: [4, 3, -1, -1, -1], missingGoesLeft: [true, false, false, false, false], value: [0, -0.2, 0.1, 0.3, 0] },
    { feature: [2, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingGoesLeft: [false, false, false], value: [0, -0.05, 0.15] },
  ],
};

/** A 4-8-1 ReLU MLP over TEST_FEATURE_NAMES (identity link), for int8 bundles. */
export const TEST_MLP_MODEL: MlpModel = {
  kind: 'mlp',
  objective: 'squared',
  link: 'identity',
  featureNames: TEST_FEATURE_NAMES,
  inputMean: [10, 3, 0.5, 0.5],
  inputStd: [6, 2, 0.5, 0.5],
  outputScale: 2,
  outputOffset: 5,
  layers: [
    {
      weights: Array.from({ length: 8 }, (_, o) => Array.from({ length: 4 }, (_, i) => Math.sin(o * 4 + i + 1) * 0.8)),
      bias: Array.from({ length: 8 }, (_, o) => Math.cos(o) * 0.1),
      activation: 'relu',
    },
    { weights: [Array.from({ length: 8 }, (_, i) => Math.cos(i * 1.3) * 0.6)], bias: [0.05], activation: 'identity' },
  ],
};

/**
 * Deterministic feature rows: lag_7 0…19, weekday, store and item codes. With `withMissing`,
 * every 13th lag_7 is NaN (trees route missing values; linear models have no missing path).
 */
export function testFeatureRows(n: number, offset = 0, withMissing = false): Float32Array {
  const rows = new Float32Array(n * TEST_FEATURE_NAMES.length);
  for (let i = 0; i < n; i += 1) {
    const k = i + offset;
    rows.set([withMissing && k % 13 === 12 ? Number.NaN : (k * 7) % 20, k % 7, k % 2, (k >> 1) % 2], i * 4);
  }
  return rows;
}

/** Options of `makeTestBundle`. */
export interface TestBundleOptions {
  /** Directory the bundle file is written to (`<name>-v<version>.fcb`). */
  dir: string;
  name: string;
  version: number;
  key: TestSigningKey;
  /** `mlp-int8`: a small MLP whose int8 graph ships (the gate is opened wide for it). */
  kind?: 'linear' | 'gbdt' | 'mlp-int8';
  minAgentVersion?: string;
  featureSpec?: FeatureSpec;
  /** Validation figures of the manifest (default WAPE 0.2, MAE 1.1; monitoring tests set MASE too). */
  metrics?: BundleManifest['metrics'];
}

/** A real bundle on disk and what tests need to check it. */
export interface TestBundle {
  path: string;
  bytes: Buffer;
  manifest: BundleManifest;
  sha256: string;
  publicKeyPem: string;
  keyId: string;
  featureNames: string[];
  model: TrainedModel;
}

/**
 * Builds a REAL signed bundle from a hand-specified tiny model through the packager's own
 * path: ONNX export, onnxruntime parity, golden samples from onnxruntime, reference profile,
 * ed25519 signature. Kept stable for the agent and controller tests.
 *
 * The packager run is the expensive part and does not depend on the key, so it runs once per
 * (name, version, kind, minAgentVersion, feature spec, metrics) for the whole suite (`sharedFixture`,
 * issue #9); each call re-signs that bundle with its own key, which is all a signature covers.
 */
export async function makeTestBundle(options: TestBundleOptions): Promise<TestBundle> {
  const model = options.kind === 'gbdt' ? TEST_GBDT_MODEL : options.kind === 'mlp-int8' ? TEST_MLP_MODEL : TEST_LINEAR_MODEL;
  // Every option but `dir` and `key` shapes the packager run, so every one is part of the cache key.
  const inputs = { name: options.name, version: options.version, kind: options.kind ?? 'linear', minAgentVersion: options.minAgentVersion ?? null, featureSpec: options.featureSpec ?? null, metrics: options.metrics ?? null };
  const shared = await sharedFixture('bundle', inputs, async (dir) => {
    await writeFile(join(dir, 'bundle.fcb'), (await assembleTestBundle(options, model, makeSigningKey().privateKey)).bytes);
    return inputs;
  });
  const bytes = await resignWith(await readFile(join(shared.dir, 'bundle.fcb')), options.key.privateKey);
  const path = join(options.dir, `${options.name}-v${options.version}.fcb`);
  await writeFile(path, bytes);
  const manifest = JSON.parse((await readBundle(bytes)).files.get(MANIFEST_FILE)!.toString('utf8')) as BundleManifest;
  return {
    path,
    bytes,
    manifest,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    publicKeyPem: createPublicKey(options.key.privateKey).export({ format: 'pem', type: 'spki' }).toString(),
    keyId: options.key.keyId,
    featureNames: TEST_FEATURE_NAMES,
    model,
  };
}

/** The packager run behind `makeTestBundle`: 64 sample rows, a 16-row holdout, fixed metrics. */
function assembleTestBundle(options: TestBundleOptions, model: TrainedModel, privateKey: KeyObject): ReturnType<typeof assembleBundle> {
  const withMissing = model.kind === 'gbdt';
  const sampleRows = testFeatureRows(64, 0, withMissing);
  const holdoutRows = testFeatureRows(16, 64, withMissing);
  const holdoutTargets = Array.from(predictModel(model, holdoutRows, 16), (value, i) => Math.max(0, value + (i % 3) - 1));
  return assembleBundle({
    name: options.name,
    version: options.version,
    packaged: { source: 'trained', model, inProcessPredict: (rows) => predictModel(model, rows, rows.length / TEST_FEATURE_NAMES.length) },
    featureSpec: options.featureSpec ?? testFeatureSpec(),
    featureNames: TEST_FEATURE_NAMES,
    sampleRows,
    holdout: { rows: holdoutRows, targets: holdoutTargets },
    metrics: options.metrics ?? { model: { wape: 0.2, mae: 1.1 }, seasonalNaive: { wape: 0.3, mae: 1.6 } },
    runId: `test-run-${options.name}-${options.version}`,
    trainingDataSha256: null,
    minAgentVersion: options.minAgentVersion,
    quantize: options.kind === 'mlp-int8' ? { maxRelativeIncrease: 10 } : null,
    privateKey,
  });
}
