import { readFile } from 'node:fs/promises';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { trustedKeysFromPems, type TrustedKeys } from '../../protocols/bundle/keys.js';

/** Reads trusted public keys from PEM files (`--trust a.pub.pem --trust b.pub.pem` during rotation). */
export async function loadTrustedKeys(paths: readonly string[]): Promise<TrustedKeys> {
  if (paths.length === 0) throw new FleetcastError('FC_ERR_KEY_FILE_UNREADABLE', 'no --trust key given');
  const pems = await Promise.all(paths.map(async (path) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new FleetcastError('FC_ERR_KEY_FILE_UNREADABLE', path, { path }, { cause: error });
    }
  }));
  return trustedKeysFromPems(pems);
}
