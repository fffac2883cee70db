import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf, parsePrivateKeyPem } from '../../protocols/bundle/keys.js';

/** Folder inside the data dir holding the controller's own ed25519 key (backed up with the data dir). */
export const CONTROLLER_KEY_DIR = 'controller-key';

/** The controller's signing identity: it signs downgrade authorizations and signing-key rotations (issue #11). */
export interface ControllerSigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/**
 * Loads `<dataDir>/controller-key/controller.key.pem`, creating the pair on first use (private
 * key mode 0600). Agents trust its public half through `agent init --controller-key`; it never
 * signs bundles, so a controller compromise alone cannot put a model on a store.
 */
export function loadOrCreateControllerKey(dataDir: string): ControllerSigningKey {
  const dir = join(dataDir, CONTROLLER_KEY_DIR);
  const privatePath = join(dir, 'controller.key.pem');
  const publicPath = join(dir, 'controller.pub.pem');
  if (!existsSync(privatePath)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      writeFileSync(publicPath, publicKey.export({ format: 'pem', type: 'spki' }));
    } catch (error) {
      // The daemon and `fleetcast controller key` may start at once: the first writer wins, the other reads its key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = parsePrivateKeyPem(readFileSync(privatePath));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), keyId: keyIdOf(publicKey) };
}
