import { readBundle } from '../bundle/read-bundle.js';
import { verifySignedEntries } from '../bundle/signed-archive.js';
import type { TrustedKeys } from '../bundle/keys.js';
import { imageManifestSchema, type ImageManifest } from './image-manifest.js';

/**
 * Largest agent image any reader accepts: the agent, its production dependencies for one
 * platform (onnxruntime's shared library is most of it) and small text files. Refused before
 * a byte is read (`readBundle`), because the reader holds entries in memory.
 */
export const MAX_IMAGE_BYTES = 200 * 1024 * 1024;

/** An image whose signature, signer and every file's size and sha256 held. */
export interface VerifiedImage {
  manifest: ImageManifest;
  files: Map<string, Buffer>;
  sizeBytes: number;
}

/**
 * Verifies an agent image with the same reader and checks as a model bundle (issue #16): a
 * complete tar of plain files only, a trusted ed25519 signature over the canonical manifest, and
 * every file listed with its size and sha256 — nothing added, nothing missing, nothing changed.
 */
export async function verifyImage(source: string | Buffer, trustedKeys: TrustedKeys): Promise<VerifiedImage> {
  const { files: entries, sizeBytes } = await readBundle(source, { maxBytes: MAX_IMAGE_BYTES });
  const { manifest, files } = verifySignedEntries(entries, imageManifestSchema, trustedKeys);
  return { manifest, files, sizeBytes };
}
