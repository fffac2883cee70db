import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { FleetcastError } from '../errors/fleetcast-error.js';
import { MANIFEST_FILE, SIGNATURE_FILE, manifestSignatureValid } from './signature.js';
import type { TrustedKeys } from './keys.js';

/** A manifest that lists its files by path, size and sha256 (model bundles and agent images). */
export interface FileListingManifest {
  files: ReadonlyArray<{ path: string; size: number; sha256: string }>;
}

function parseManifestJson(bytes: Buffer | undefined): Record<string, unknown> {
  if (!bytes) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} is not JSON`, undefined, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} is not an object`);
  return parsed as Record<string, unknown>;
}

function signerKeyId(raw: Record<string, unknown>): string {
  const signer = raw.signer as { keyId?: unknown } | undefined;
  if (!signer || typeof signer.keyId !== 'string') throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', 'signer.keyId missing');
  return signer.keyId;
}

/**
 * The checks every signed archive passes (model bundles and, since issue #16, agent images), in
 * this order, each failure with its own code: manifest JSON (MANIFEST_INVALID) → signature
 * present (UNSIGNED) → signer trusted (UNTRUSTED_SIGNER) → signature valid over the canonical
 * manifest (SIGNATURE_INVALID) → manifest schema (MANIFEST_INVALID) → each file's size and
 * sha256 (FILE_MISSING, FILE_HASH_MISMATCH) → no unlisted entry (FILE_UNEXPECTED). The
 * signature is checked before the schema so that nothing unsigned is interpreted.
 */
export function verifySignedEntries<M extends FileListingManifest>(entries: ReadonlyMap<string, Buffer>, schema: z.ZodType<M, z.ZodTypeDef, unknown>, trustedKeys: TrustedKeys): { manifest: M; files: Map<string, Buffer> } {
  const raw = parseManifestJson(entries.get(MANIFEST_FILE));
  const signature = entries.get(SIGNATURE_FILE);
  if (!signature || signature.length === 0) throw new FleetcastError('FC_ERR_BUNDLE_UNSIGNED');
  const keyId = signerKeyId(raw);
  const key = trustedKeys.get(keyId);
  if (!key) throw new FleetcastError('FC_ERR_BUNDLE_UNTRUSTED_SIGNER', `key ${keyId}`, { keyId, trusted: [...trustedKeys.keys()] });
  if (!manifestSignatureValid(raw, signature, key)) throw new FleetcastError('FC_ERR_BUNDLE_SIGNATURE_INVALID', `key ${keyId}`, { keyId });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${issue.path.join('.')}: ${issue.message}`, { path: issue.path.join('.') });
  }
  const manifest = parsed.data;
  const files = new Map<string, Buffer>();
  for (const listed of manifest.files) {
    const bytes = entries.get(listed.path);
    if (!bytes) throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', listed.path, { path: listed.path });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== listed.size || sha256 !== listed.sha256) throw new FleetcastError('FC_ERR_BUNDLE_FILE_HASH_MISMATCH', listed.path, { path: listed.path, expected: listed.sha256, actual: sha256 });
    files.set(listed.path, bytes);
  }
  for (const name of entries.keys()) {
    if (name !== MANIFEST_FILE && name !== SIGNATURE_FILE && !files.has(name)) throw new FleetcastError('FC_ERR_BUNDLE_FILE_UNEXPECTED', name, { path: name });
  }
  return { manifest, files };
}
