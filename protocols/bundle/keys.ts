import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { FleetcastError } from '../errors/fleetcast-error.js';

/** Raw 32-byte ed25519 public key (the JWK `x`), what key ids are derived from. */
function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof jwk.x !== 'string') throw new FleetcastError('FC_ERR_KEY_INVALID', 'not an ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** `signer.keyId`: first 16 hex digits of sha256 over the raw public key (issue #4). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** Parses an ed25519 public key from PEM (SPKI); FC_ERR_KEY_INVALID otherwise. */
export function parsePublicKeyPem(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new FleetcastError('FC_ERR_KEY_INVALID', 'public key PEM does not parse', undefined, { cause: error });
  }
  rawPublicKey(key);
  return key;
}

/** Parses an ed25519 private key from PEM (PKCS#8); FC_ERR_KEY_INVALID otherwise. */
export function parsePrivateKeyPem(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new FleetcastError('FC_ERR_KEY_INVALID', 'private key PEM does not parse', undefined, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new FleetcastError('FC_ERR_KEY_INVALID', 'not an ed25519 key');
  return key;
}

/** A set of trusted public keys by key id; several at once make key rotation possible. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** Builds the trusted-key map from PEM texts (one per key). */
export function trustedKeysFromPems(pems: ReadonlyArray<string | Buffer>): TrustedKeys {
  const keys = new Map<string, KeyObject>();
  for (const pem of pems) {
    const key = parsePublicKeyPem(pem);
    keys.set(keyIdOf(key), key);
  }
  return keys;
}
