import test from 'ava';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdOf, parsePublicKeyPem } from '../../../protocols/bundle/keys.js';
import { exitCodeFor, type ErrorCode } from '../../../protocols/errors/catalog.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeSigningKey, makeTestBundle, writeKeyFiles, type TestBundle, type TestSigningKey } from '../../helpers/bundle-fixtures.js';
import { tamperVariants } from '../../helpers/bundle-tamper.js';

let dir: string;
let key: TestSigningKey;
let other: TestSigningKey;
let bundle: TestBundle;
let trustPath: string;
let otherTrustPath: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-cli-bundle-'));
  key = makeSigningKey();
  other = makeSigningKey();
  bundle = await makeTestBundle({ dir, name: 'demand', version: 7, key });
  trustPath = (await writeKeyFiles(dir, key, 'current')).publicKeyPath;
  otherTrustPath = (await writeKeyFiles(dir, other, 'next')).publicKeyPath;
});

async function verifyCode(path: string, extra: string[] = []): Promise<{ code: number | null; errorCode: string | undefined }> {
  const result = await runCli(['bundle', 'verify', path, '--trust', trustPath, '--json', ...extra]);
  const body = JSON.parse(result.stdout) as { ok: boolean; error?: { code: string } };
  return { code: result.code, errorCode: body.error?.code };
}

test('bundle verify accepts a good bundle (exit 0) and trusts several keys at once', async (t) => {
  const result = await runCli(['bundle', 'verify', bundle.path, '--trust', otherTrustPath, '--trust', trustPath, '--json']);
  t.is(result.code, 0);
  const body = JSON.parse(result.stdout) as { ok: boolean; model: { name: string; version: number }; signer: { keyId: string } };
  t.true(body.ok);
  t.deepEqual(body.model, bundle.manifest.model);
  t.is(body.signer.keyId, key.keyId);
});

test('bundle verify rejects every tamper variant with its code and exit status', async (t) => {
  const variants = await tamperVariants(bundle.bytes, other.privateKey);
  await Promise.all(variants.map(async (variant, i) => {
    const path = join(dir, `tampered-${i}.fcb`);
    await writeFile(path, variant.bytes);
    const { code, errorCode } = await verifyCode(path);
    t.is(errorCode, variant.expectedCode, variant.name);
    t.is(code, exitCodeFor(variant.expectedCode as ErrorCode), variant.name);
  }));
});

test('bundle verify refuses an older version presented as new, and a too-new bundle for an old agent', async (t) => {
  const older = await makeTestBundle({ dir, name: 'demand', version: 6, key });
  t.is((await verifyCode(older.path, ['--min-version', '7'])).errorCode, 'FC_ERR_BUNDLE_DOWNGRADE');
  t.is((await verifyCode(older.path, ['--min-version', '7', '--allow-downgrade'])).code, 0);
  const future = await makeTestBundle({ dir, name: 'demand', version: 8, key, minAgentVersion: '2.0.0' });
  t.is((await verifyCode(future.path, ['--agent-version', '1.9.0'])).errorCode, 'FC_ERR_BUNDLE_AGENT_TOO_OLD');
});

test('a bundle path that does not exist is FC_ERR_BUNDLE_UNREADABLE (exit 66)', async (t) => {
  const { code, errorCode } = await verifyCode(join(dir, 'nope.fcb'));
  t.is(errorCode, 'FC_ERR_BUNDLE_UNREADABLE');
  t.is(code, 66);
});

test('keys generate writes an ed25519 pair whose key id the CLI reports', async (t) => {
  const prefix = join(dir, 'generated');
  const result = await runCli(['keys', 'generate', '--out', prefix, '--json']);
  t.is(result.code, 0);
  const body = JSON.parse(result.stdout) as { keyId: string; privateKeyPath: string; publicKeyPath: string };
  t.is(body.keyId, keyIdOf(parsePublicKeyPem(await readFile(`${prefix}.pub.pem`))));
  t.is((await stat(`${prefix}.key.pem`)).mode & 0o777, 0o600);
  const again = await runCli(['keys', 'generate', '--out', prefix, '--json']);
  t.is((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'FC_ERR_PACKAGE_OUTPUT_FAILED');
});

test('keys generate --out keys/signer creates the missing folder (owner-only) (issue #11)', async (t) => {
  const prefix = join(dir, 'fresh-keys', 'signer');
  const result = await runCli(['keys', 'generate', '--out', prefix, '--json']);
  t.is(result.code, 0, result.stdout);
  t.is((await stat(join(dir, 'fresh-keys'))).mode & 0o777, 0o700);
  t.is((await stat(`${prefix}.key.pem`)).mode & 0o777, 0o600);
});

test('bundle inspect shows metrics vs baseline, sizes, signer and quantization decision', async (t) => {
  const json = await runCli(['bundle', 'inspect', bundle.path, '--json']);
  t.is(json.code, 0);
  const body = JSON.parse(json.stdout) as { signerKeyId: string; sizeBytes: number; metrics: unknown; quantization: unknown; files: Array<{ path: string; size: number }> };
  t.is(body.signerKeyId, key.keyId);
  t.is(body.sizeBytes, bundle.bytes.length);
  t.deepEqual(body.metrics, [{ metric: 'mae', model: 1.1, seasonalNaive: 1.6 }, { metric: 'wape', model: 0.2, seasonalNaive: 0.3 }]);
  t.is(body.quantization, null);
  t.deepEqual(body.files.map((f) => f.path), ['model.onnx', 'reference.json', 'golden.json']);
  const text = await runCli(['bundle', 'inspect', bundle.path]);
  t.is(text.code, 0);
  t.regex(text.stdout, new RegExp(`signer ${key.keyId}`));
  t.regex(text.stdout, /wape\s+0\.2000\s+0\.3000/);
  t.regex(text.stdout, /quantization: none/);
});
