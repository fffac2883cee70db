import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { pack } from 'tar-stream';
import { keyIdOf } from '../../protocols/bundle/keys.js';
import { bundleManifestSchema, type BundleFile, type BundleManifest } from '../../protocols/bundle/manifest.js';
import { MANIFEST_FILE, SIGNATURE_FILE, signManifest } from '../../protocols/bundle/signature.js';
import { canonicalJson } from '../../protocols/bundle/canonical-json.js';

/** A file to place in the bundle with its manifest role. */
export interface BundlePayloadFile {
  path: string;
  role: BundleFile['role'];
  bytes: Uint8Array;
}

/** The manifest without the parts `writeBundle` derives (file list and signer). */
export type UnsignedManifest = Omit<BundleManifest, 'files' | 'signer'>;

/** Fixed mtime so that the same inputs give byte-identical bundles (reproducible builds). */
const EPOCH = new Date(0);

/** Packs named buffers into a tar (manifest first, signature last). */
export async function packTar(entries: ReadonlyArray<{ name: string; bytes: Uint8Array }>): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) archive.entry({ name: entry.name, mtime: EPOCH, mode: 0o644, uid: 0, gid: 0 }, Buffer.from(entry.bytes));
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * Completes the manifest (file list with size and sha256, signer key id), validates it against
 * the schema, signs its canonical JSON with ed25519 and packs the tar. The manifest is stored
 * in canonical form, so its bytes are exactly what was signed.
 */
export async function writeBundle(unsigned: UnsignedManifest, payload: ReadonlyArray<BundlePayloadFile>, privateKey: KeyObject): Promise<{ bytes: Buffer; manifest: BundleManifest; sha256: string }> {
  const files: BundleFile[] = payload.map((file) => ({ path: file.path, role: file.role, size: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex') }));
  const manifest = bundleManifestSchema.parse({ ...unsigned, files, signer: { keyId: keyIdOf(createPublicKey(privateKey)) } });
  const signature = signManifest(manifest, privateKey);
  const bytes = await packTar([
    { name: MANIFEST_FILE, bytes: Buffer.from(canonicalJson(manifest), 'utf8') },
    ...payload.map((file) => ({ name: file.path, bytes: file.bytes })),
    { name: SIGNATURE_FILE, bytes: signature },
  ]);
  return { bytes, manifest, sha256: createHash('sha256').update(bytes).digest('hex') };
}
