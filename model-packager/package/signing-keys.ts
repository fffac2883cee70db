import { generateKeyPairSync, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { assertValidId } from '../../protocols/ids.js';
import { resolveUnder } from '../../protocols/paths.js';
import { keyIdOf, parsePrivateKeyPem } from '../../protocols/bundle/keys.js';

/** A new ed25519 signing key as PEM texts (PKCS#8 private, SPKI public) and its key id. */
export interface GeneratedKey {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

/** Generates an ed25519 key pair for signing bundles. */
export function generateSigningKey(): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/**
 * Writes `<prefix>.key.pem` (mode 0600: it signs what every store will run) and
 * `<prefix>.pub.pem`; returns the paths and key id. The prefix is a directory plus a key name;
 * the name must be an id (issue #9 finding 2: `keys/..` or `.hidden` is FC_ERR_INVALID_ID) and
 * the files are built under the directory by protocols/paths.ts.
 */
export async function writeSigningKey(prefix: string): Promise<{ privateKeyPath: string; publicKeyPath: string; keyId: string }> {
  const name = assertValidId(basename(prefix), 'key prefix name');
  const dir = dirname(prefix);
  const privateKeyPath = resolveUnder(dir, `${name}.key.pem`);
  const publicKeyPath = resolveUnder(dir, `${name}.pub.pem`);
  const key = generateSigningKey();
  try {
    // `keys generate --out keys/signer` makes `keys/` (owner-only: it holds a private key) (issue #11).
    await mkdir(dirname(privateKeyPath), { recursive: true, mode: 0o700 });
    await writeFile(privateKeyPath, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(publicKeyPath, key.publicKeyPem, { flag: 'wx' });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists; existing keys are never overwritten' : (error as Error).message;
    throw new FleetcastError('FC_ERR_PACKAGE_OUTPUT_FAILED', `cannot write ${prefix}.key.pem / .pub.pem: ${reason}`, { prefix, path: (error as NodeJS.ErrnoException).path ?? prefix }, { cause: error });
  }
  return { privateKeyPath, publicKeyPath, keyId: key.keyId };
}

/** Reads a private signing key PEM file. */
export async function readSigningKey(path: string): Promise<{ privateKey: KeyObject; keyId: string }> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    throw new FleetcastError('FC_ERR_KEY_FILE_UNREADABLE', path, { path }, { cause: error });
  }
  const privateKey = parsePrivateKeyPem(pem);
  return { privateKey, keyId: keyIdOf(createPublicKey(privateKey)) };
}
