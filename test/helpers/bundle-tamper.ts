import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ErrorCode } from '../../protocols/errors/catalog.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import { canonicalJson } from '../../protocols/bundle/canonical-json.js';
import { keyIdOf } from '../../protocols/bundle/keys.js';
import { MANIFEST_FILE, SIGNATURE_FILE, signManifest } from '../../protocols/bundle/signature.js';
import { packTar } from '../../model-packager/package/write-bundle.js';
import { pack } from 'tar-stream';

type TarHeader = Parameters<ReturnType<typeof pack>['entry']>[0];

const BLOCK = 512;

/** Byte offset and size of each file's data inside a tar (ustar headers, short names). */
export function tarEntries(bytes: Buffer): Array<{ name: string; offset: number; size: number }> {
  const entries: Array<{ name: string; offset: number; size: number }> = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length && bytes[offset] !== 0) {
    const header = bytes.subarray(offset, offset + BLOCK);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    entries.push({ name, offset: offset + BLOCK, size });
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

/** A copy of the bundle with one byte of `file`'s data XOR-ed (at `at`, default the middle). */
export function flipByteInFile(bytes: Buffer, file: string, at?: number): Buffer {
  const entry = tarEntries(bytes).find((e) => e.name === file);
  if (!entry) throw new Error(`no ${file} in bundle`);
  const copy = Buffer.from(bytes);
  copy[entry.offset + (at ?? Math.floor(entry.size / 2))] ^= 0x01;
  return copy;
}

/**
 * Flips one byte of manifest.json inside the `objective` string value, which keeps it valid
 * JSON and schema-valid, so only the signature can catch it.
 */
export function flipByteInManifest(bytes: Buffer): Buffer {
  const entry = tarEntries(bytes).find((e) => e.name === MANIFEST_FILE);
  if (!entry) throw new Error('no manifest in bundle');
  const text = bytes.subarray(entry.offset, entry.offset + entry.size).toString('utf8');
  return flipByteInFile(bytes, MANIFEST_FILE, text.indexOf('"objective":"') + '"objective":"'.length);
}

async function repack(bytes: Buffer, edit: (files: Map<string, Buffer>) => void): Promise<Buffer> {
  const { files } = await readBundle(bytes);
  edit(files);
  return packTar([...files].map(([name, content]) => ({ name, bytes: content })));
}

function manifestOf(files: Map<string, Buffer>): Record<string, unknown> {
  return JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as Record<string, unknown>;
}

/** The manifest edited (model version raised) while keeping the old signature. */
export function editManifest(bytes: Buffer): Promise<Buffer> {
  return repack(bytes, (files) => {
    const manifest = manifestOf(files);
    (manifest.model as { version: number }).version += 100;
    files.set(MANIFEST_FILE, Buffer.from(canonicalJson(manifest)));
  });
}

/** The same manifest re-signed by `key` (signer.keyId updated), e.g. a key nobody trusts. */
export function resignWith(bytes: Buffer, key: KeyObject): Promise<Buffer> {
  return repack(bytes, (files) => {
    const manifest = manifestOf(files);
    manifest.signer = { keyId: keyIdOf(createPublicKey(key)) };
    files.set(MANIFEST_FILE, Buffer.from(canonicalJson(manifest)));
    files.set(SIGNATURE_FILE, signManifest(manifest, key));
  });
}

/** The bundle without its signature file. */
export function removeSignature(bytes: Buffer): Promise<Buffer> {
  return repack(bytes, (files) => files.delete(SIGNATURE_FILE));
}

/** The bundle without one listed file. */
export function removeFile(bytes: Buffer, file: string): Promise<Buffer> {
  return repack(bytes, (files) => files.delete(file));
}

/** The bundle with an extra file its manifest does not list. */
export function addUnlistedFile(bytes: Buffer): Promise<Buffer> {
  return repack(bytes, (files) => files.set('extra.bin', Buffer.from('not in the manifest')));
}

/** The bundle's entries re-packed with `extra` raw tar entries appended (symlinks, duplicates). */
async function withRawEntries(bytes: Buffer, extra: Array<{ header: TarHeader; body?: Buffer }>): Promise<Buffer> {
  const { files } = await readBundle(bytes);
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const [name, content] of files) archive.entry({ name, mode: 0o644 }, content);
  for (const entry of extra) archive.entry(entry.header, entry.body ?? Buffer.alloc(0));
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** The bundle plus a symlink entry the manifest does not list (issue #9: it used to be ignored). */
export function addSymlinkEntry(bytes: Buffer): Promise<Buffer> {
  return withRawEntries(bytes, [{ header: { name: 'model-link.onnx', type: 'symlink', linkname: '/etc/passwd' } }]);
}

/** The bundle with a second `golden.json` entry after the listed one (tar readers disagree which one wins). */
export function addDuplicateEntry(bytes: Buffer): Promise<Buffer> {
  return withRawEntries(bytes, [{ header: { name: 'golden.json', mode: 0o644 }, body: Buffer.from('{"other":"content"}') }]);
}

/** The first `fraction` of the file (a cut download). */
export function truncate(bytes: Buffer, fraction = 0.5): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** One tampered bundle and the code `verifyBundle` / `bundle verify` must answer with. */
export interface TamperVariant {
  name: string;
  bytes: Buffer;
  expectedCode: ErrorCode;
}

/**
 * Every tamper variant of a valid bundle: one flipped byte in each file, an edited manifest,
 * a signature by an untrusted key, a cut in the middle and at the end, a missing signature,
 * a missing and an unlisted file, an unlisted symlink and a duplicate entry. Downgrade and agent-version cases need a second bundle, so
 * they are built by the tests themselves (`makeTestBundle` with a lower version).
 */
export async function tamperVariants(bytes: Buffer, untrustedKey: KeyObject): Promise<TamperVariant[]> {
  const variants: TamperVariant[] = [];
  for (const entry of tarEntries(bytes)) {
    if (entry.name === MANIFEST_FILE) variants.push({ name: `flipped byte in ${entry.name}`, bytes: flipByteInManifest(bytes), expectedCode: 'FC_ERR_BUNDLE_SIGNATURE_INVALID' });
    else if (entry.name === SIGNATURE_FILE) variants.push({ name: `flipped byte in ${entry.name}`, bytes: flipByteInFile(bytes, entry.name), expectedCode: 'FC_ERR_BUNDLE_SIGNATURE_INVALID' });
    else variants.push({ name: `flipped byte in ${entry.name}`, bytes: flipByteInFile(bytes, entry.name), expectedCode: 'FC_ERR_BUNDLE_FILE_HASH_MISMATCH' });
  }
  variants.push(
    { name: 'edited manifest', bytes: await editManifest(bytes), expectedCode: 'FC_ERR_BUNDLE_SIGNATURE_INVALID' },
    { name: 'signed by an untrusted key', bytes: await resignWith(bytes, untrustedKey), expectedCode: 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER' },
    { name: 'truncated in the middle', bytes: truncate(bytes, 0.5), expectedCode: 'FC_ERR_BUNDLE_TRUNCATED' },
    { name: 'end-of-archive marker cut off', bytes: Buffer.from(bytes.subarray(0, bytes.length - 2 * BLOCK)), expectedCode: 'FC_ERR_BUNDLE_TRUNCATED' },
    { name: 'missing signature', bytes: await removeSignature(bytes), expectedCode: 'FC_ERR_BUNDLE_UNSIGNED' },
    { name: 'listed file missing', bytes: await removeFile(bytes, 'golden.json'), expectedCode: 'FC_ERR_BUNDLE_FILE_MISSING' },
    { name: 'unlisted extra file', bytes: await addUnlistedFile(bytes), expectedCode: 'FC_ERR_BUNDLE_FILE_UNEXPECTED' },
    { name: 'unlisted symlink entry', bytes: await addSymlinkEntry(bytes), expectedCode: 'FC_ERR_BUNDLE_FILE_UNEXPECTED' },
    { name: 'duplicate entry', bytes: await addDuplicateEntry(bytes), expectedCode: 'FC_ERR_BUNDLE_FILE_UNEXPECTED' },
  );
  return variants;
}
