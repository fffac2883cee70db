import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** Name of the signature file inside a bundle: the raw 64-byte ed25519 signature. */
export const SIGNATURE_FILE = 'signature';

/** Name of the manifest file inside a bundle. */
export const MANIFEST_FILE = 'manifest.json';

/** ed25519 signature over the canonical JSON of a manifest object. */
export function signManifest(manifest: unknown, privateKey: KeyObject): Buffer {
  return sign(null, Buffer.from(canonicalJson(manifest), 'utf8'), privateKey);
}

/** True when `signature` is a valid ed25519 signature of the canonical manifest by `publicKey`. */
export function manifestSignatureValid(manifest: unknown, signature: Buffer, publicKey: KeyObject): boolean {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  try {
    return verify(null, Buffer.from(canonicalJson(manifest), 'utf8'), key, signature);
  } catch {
    return false;
  }
}
