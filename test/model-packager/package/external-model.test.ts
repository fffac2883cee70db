import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { BundleManifest } from '../../../protocols/bundle/manifest.js';
import { verifyBundle } from '../../../protocols/bundle/verify-bundle.js';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { goldenSamplesSchema } from '../../../protocols/bundle/golden.js';
import { referenceProfileSchema } from '../../../protocols/drift/reference-profile.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeSigningKey, testFeatureSpec, writeKeyFiles, TEST_FEATURE_NAMES, type TestSigningKey } from '../../helpers/bundle-fixtures.js';

const { onnx } = onnxProto;

/**
 * A model "trained elsewhere", written by hand with onnx-proto (not the packager's writer) and
 * with sklearn-onnx style names: y = x · w + 1 with w = [0.5, 0.25, 1, −0.5], output [N].
 */
function handWrittenOnnx(): Uint8Array {
  const weights = Float32Array.of(0.5, 0.25, 1, -0.5);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'elsewhere',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'external',
      node: [
        { opType: 'MatMul', input: ['float_input', 'coef'], output: ['mm'] },
        { opType: 'Add', input: ['mm', 'one'], output: ['variable'] },
      ],
      initializer: [
        { name: 'coef', dims: [4], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weights.buffer) },
        { name: 'one', dims: [1], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [1] },
      ],
      input: [{ name: 'float_input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 4 }] } } } }],
      output: [{ name: 'variable', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }] } } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

let dir: string;
let key: TestSigningKey;
let keyPath: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-byo-'));
  key = makeSigningKey();
  keyPath = (await writeKeyFiles(dir, key)).privateKeyPath;
  await writeFile(join(dir, 'model.onnx'), handWrittenOnnx());
  const csv = (withMissing: boolean) => {
    const lines = ['lag_7,day_of_week,store,item,units,comment'];
    for (let i = 0; i < 40; i += 1) {
      const lag = (i * 3) % 17;
      const prediction = lag * 0.5 + (i % 7) * 0.25 + (i % 2) - ((i >> 1) % 2) * 0.5 + 1;
      lines.push(`${withMissing && i % 9 === 0 ? '' : lag},${i % 7},${i % 2},${(i >> 1) % 2},${Math.round(prediction)},row ${i}`);
    }
    return `${lines.join('\n')}\n`;
  };
  await writeFile(join(dir, 'reference.csv'), csv(false));
  await writeFile(join(dir, 'reference-missing.csv'), csv(true));
  const schema = { inputName: 'float_input', outputName: 'variable', features: TEST_FEATURE_NAMES, featureSpec: testFeatureSpec(), target: 'units' };
  await writeFile(join(dir, 'schema.json'), JSON.stringify(schema));
  await writeFile(join(dir, 'bad-schema.json'), JSON.stringify({ ...schema, features: ['a', 'b', 'c'] }));
});

test('a brought-in ONNX model is packaged with golden samples and a reference profile, and verifies', async (t) => {
  const out = join(dir, 'external.fcb');
  const result = await runCli(['package', '--onnx', join(dir, 'model.onnx'), '--input-schema', join(dir, 'schema.json'), '--reference', join(dir, 'reference.csv'), '--name', 'external-demand', '--version', '2', '--key', keyPath, '--out', out, '--json']);
  t.is(result.code, 0, result.stdout);
  const body = JSON.parse(result.stdout) as { manifest: BundleManifest; parity: unknown };
  t.is(body.parity, null);
  t.deepEqual(body.manifest.model, { name: 'external-demand', version: 2, kind: 'external', task: 'regression', objective: 'squared' });
  t.deepEqual(body.manifest.input.name, 'float_input');
  t.deepEqual(body.manifest.output.name, 'variable');
  t.deepEqual(body.manifest.opsets, { '': 17 });
  t.is(body.manifest.runId, null);
  t.true(typeof body.manifest.metrics.model.wape === 'number');
  const verified = await verifyBundle(out, { trustedKeys: trustedKeysFromPems([key.publicKeyPem]) });
  const golden = goldenSamplesSchema.parse(JSON.parse(verified.files.get('golden.json')!.toString('utf8')));
  // Expected outputs are what onnxruntime gave: x·w + 1 on the golden rows (float32).
  t.is(golden.rows.length, 32);
  golden.rows.forEach((row, i) => t.true(Math.abs(golden.expected.model[i] - (row[0]! * 0.5 + row[1]! * 0.25 + row[2]! - row[3]! * 0.5 + 1)) < 1e-5, `row ${i}`));
  const reference = referenceProfileSchema.parse(JSON.parse(verified.files.get('reference.json')!.toString('utf8')));
  t.is(reference.rows, 40);
  t.is(reference.features[0].distribution.missingShare, 0);
  t.is(reference.validationErrors?.rows, 40);
  t.deepEqual(reference.features[3].categoryFrequencies, { i1: 0.5, i2: 0.5 });
});

test('a model that answers NaN for missing inputs is refused with FC_ERR_EXPORT_NONFINITE_OUTPUT', async (t) => {
  const result = await runCli(['package', '--onnx', join(dir, 'model.onnx'), '--input-schema', join(dir, 'schema.json'), '--reference', join(dir, 'reference-missing.csv'), '--name', 'x', '--key', keyPath, '--out', join(dir, 'nan.fcb'), '--json']);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_EXPORT_NONFINITE_OUTPUT');
});

test('an input schema that does not match the model is FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', async (t) => {
  const result = await runCli(['package', '--onnx', join(dir, 'model.onnx'), '--input-schema', join(dir, 'bad-schema.json'), '--reference', join(dir, 'reference.csv'), '--name', 'x', '--key', keyPath, '--out', join(dir, 'bad.fcb'), '--json']);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH');
  t.is(result.code, 65);
});

test('a file that is not ONNX is FC_ERR_EXPORT_ONNX_LOAD_FAILED', async (t) => {
  await writeFile(join(dir, 'garbage.onnx'), 'definitely not protobuf');
  const result = await runCli(['package', '--onnx', join(dir, 'garbage.onnx'), '--input-schema', join(dir, 'schema.json'), '--reference', join(dir, 'reference.csv'), '--name', 'x', '--key', keyPath, '--out', join(dir, 'bad.fcb'), '--json']);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_EXPORT_ONNX_LOAD_FAILED');
});
