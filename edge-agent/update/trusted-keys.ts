import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf, parsePublicKeyPem, type TrustedKeys } from '../../protocols/bundle/keys.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** Raw ed25519 public keys are 32 bytes (RFC 8032 §5.1.5). */
const RAW_ED25519_BYTES = 32;

function parseKeyText(text: string): KeyObject {
  if (text.includes('-----BEGIN')) return parsePublicKeyPem(text);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === RAW_ED25519_BYTES) return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
  return parsePublicKeyPem(createPublicKey({ key: bytes, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }));
}

/**
 * Turns the agent config's `trustedKeys` (key id → PEM, or base64 of the raw 32-byte key or
 * of its SPKI DER) into the verifier's map. Each entry's id must be the key's own id, so a
 * config cannot trust a key under another key's name (FC_ERR_INVALID_CONFIG otherwise).
 */
export function trustedKeysFromConfig(entries: Readonly<Record<string, string>>): TrustedKeys {
  const keys = new Map<string, KeyObject>();
  for (const [keyId, text] of Object.entries(entries)) {
    let key: KeyObject;
    try {
      key = parseKeyText(text);
    } catch (error) {
      throw new FleetcastError('FC_ERR_INVALID_CONFIG', `trustedKeys.${keyId}: not an ed25519 public key`, { keyId }, { cause: error });
    }
    const actual = keyIdOf(key);
    if (actual !== keyId) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `trustedKeys.${keyId}: the key's id is ${actual}`, { keyId, actual });
    keys.set(keyId, key);
  }
  return keys;
}
