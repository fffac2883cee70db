import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installImage } from '../../firmware-images/install/install-image.js';
import { stageImage } from '../../firmware-images/build/build-image.js';
import { loadProfile } from '../../firmware-images/profiles/load-profile.js';
import { trustedKeysFromPems } from '../../protocols/bundle/keys.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import { MANIFEST_FILE } from '../../protocols/bundle/signature.js';
import { canonicalJson } from '../../protocols/bundle/canonical-json.js';
import { isFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { packTar } from '../../model-packager/package/write-bundle.js';
import { addUnlistedFile, flipByteInFile } from '../helpers/bundle-tamper.js';
import { REPO_ROOT, sharedImage } from './image-fixture.js';

const run = promisify(execFile);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isFleetcastError(error) ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((item) => item.isFile()).map((item) => join(item.parentPath, item.name)).sort()) {
    hash.update(entry).update(readFileSync(entry));
  }
  return hash.digest('hex');
}

test('the image holds the agent and its production dependencies for this platform only, no packager, controller or dev dependency', async (t) => {
  const { v1 } = await sharedImage();
  const paths = v1.manifest.files.map((file) => file.path);
  t.true(paths.includes('dist/edge-agent/daemon.js'));
  t.true(paths.includes('dist/edge-agent/scoring/score-worker.js'), 'worker scripts are followed');
  t.true(paths.some((path) => path.startsWith('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/')));
  t.false(paths.some((path) => /napi-v6\/(darwin|win32)|linux\/arm64/.test(path)), 'no other platform binaries');
  t.false(paths.some((path) => path.startsWith('dist/model-packager/') || path.startsWith('dist/cloud-controller/') || path.startsWith('dist/test/')));
  t.false(paths.some((path) => /^node_modules\/(ava|typescript|eslint|fastify|@aws-sdk)\//.test(path)), 'no dev or controller-only dependency');
  t.true(paths.includes('node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
  t.false(paths.some((path) => path.startsWith('node_modules/better-sqlite3/deps/')), 'no vendored C sources');
  t.log(`image: ${v1.manifest.files.length} files, ${(v1.sizeBytes / 1024 / 1024).toFixed(1)} MiB`);
});

test('a target architecture other than the host is refused without prebuilt dependencies', async (t) => {
  const profile = await loadProfile(process.arch === 'x64' ? 'arm64-pi' : 'x86-64-mini-pc');
  t.is(await codeOf(stageImage({ profile, version: '1.0.0', repoRoot: REPO_ROOT })), 'FC_ERR_IMAGE_ARCH_MISMATCH');
});

test('install lays out slots, current, boot check, config and unit; systemd-analyze verify accepts the unit', async (t) => {
  const { v1, key } = await sharedImage();
  const root = mkdtempSync(join(tmpdir(), 'fc-root-'));
  const installed = await installImage({ root, imagePath: v1.path, trustedKeys: trustedKeysFromPems([key.publicKeyPem]), nodeBinary: process.execPath });
  const installDir = join(root, 'opt/fleetcast');
  t.is(readlinkSync(join(installDir, 'current')), 'slots/a');
  t.true(existsSync(join(installDir, 'slots/b')));
  t.true(existsSync(join(installDir, 'boot-check.mjs')));
  const config = JSON.parse(readFileSync(installed.configFile, 'utf8')) as { hardwareProfile: string; image: { installDir: string } };
  t.is(config.image.installDir, installDir);
  const unit = readFileSync(installed.unitFile, 'utf8');
  for (const option of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', `ReadWritePaths=${installDir} ${join(root, 'var/lib/fleetcast')}`]) t.true(unit.includes(option), option);
  // A unit file named by path is checked as it stands: syntax, option values, executable paths.
  const verified = await run('systemd-analyze', ['verify', installed.unitFile]).then(({ stderr }) => ({ ok: true, stderr }), (error: { stderr: string }) => ({ ok: false, stderr: error.stderr }));
  t.log(verified.stderr || 'systemd-analyze verify: no findings');
  t.true(verified.ok, verified.stderr);
  t.false(/Unknown (key|section)|Failed to parse|Invalid/i.test(verified.stderr), verified.stderr);
});

test('a tampered image (one byte in a file, a file added, a manifest entry removed) is refused and the installed slot is untouched', async (t) => {
  const { v1, key } = await sharedImage();
  const trustedKeys = trustedKeysFromPems([key.publicKeyPem]);
  const root = mkdtempSync(join(tmpdir(), 'fc-root-'));
  await installImage({ root, imagePath: v1.path, trustedKeys });
  const installDir = join(root, 'opt/fleetcast');
  const before = treeHash(installDir);
  const { files } = await readBundle(v1.bytes, { maxBytes: v1.bytes.length });
  const manifest = JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as { files: Array<{ path: string }> };
  const removed = manifest.files.find((file) => file.path === 'dist/edge-agent/daemon.js')!;
  manifest.files = manifest.files.filter((file) => file !== removed);
  const withoutEntry = new Map(files);
  withoutEntry.set(MANIFEST_FILE, Buffer.from(canonicalJson(manifest)));
  withoutEntry.delete(removed.path);
  const variants: Array<[string, Buffer, string]> = [
    ['one byte of daemon.js', flipByteInFile(v1.bytes, 'dist/edge-agent/daemon.js'), 'FC_ERR_BUNDLE_FILE_HASH_MISMATCH'],
    ['one byte of the onnxruntime library', flipByteInFile(v1.bytes, v1.manifest.files.find((file) => file.path.endsWith('.so') || file.path.includes('.so.'))!.path), 'FC_ERR_BUNDLE_FILE_HASH_MISMATCH'],
    ['a file added', await addUnlistedFile(v1.bytes), 'FC_ERR_BUNDLE_FILE_UNEXPECTED'],
    ['a manifest entry (and its file) removed', await packTar([...withoutEntry].map(([name, bytes]) => ({ name, bytes }))), 'FC_ERR_BUNDLE_SIGNATURE_INVALID'],
  ];
  for (const [name, bytes, expected] of variants) {
    const path = join(root, 'tampered.img');
    writeFileSync(path, bytes);
    t.is(await codeOf(installImage({ root, imagePath: path, trustedKeys })), expected, name);
  }
  t.is(treeHash(installDir), before);
  t.is(readlinkSync(join(installDir, 'current')), 'slots/a');
});
