import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { trustedKeysFromPems, type TrustedKeys } from '../../protocols/bundle/keys.js';

/** Folder inside the data dir whose `*.pem` files are always trusted (drop-in key rotation). */
export const TRUSTED_KEYS_DIR = 'trusted-keys';

function pemFilesIn(path: string): string[] {
  if (!existsSync(path)) throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path });
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((name) => name.endsWith('.pem')).sort().map((name) => join(path, name));
}

/** The public keys a pushed bundle may be signed with: configured paths plus `<dataDir>/trusted-keys/*.pem`. */
export function loadTrustedKeys(dataDir: string, configured: readonly string[]): TrustedKeys {
  const dropIn = join(dataDir, TRUSTED_KEYS_DIR);
  const paths = [...configured.flatMap(pemFilesIn), ...(existsSync(dropIn) ? pemFilesIn(dropIn) : [])];
  return trustedKeysFromPems(paths.map((path) => readFileSync(path)));
}
