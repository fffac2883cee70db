import { existsSync, statSync } from 'node:fs';
import { artifactPath } from '../storage/artifacts.js';

/** A bundle file ready to be served. */
export interface LocatedBundle {
  path: string;
  size: number;
}

/** Finds a bundle by sha256; distribution never serves anything else. */
export type BundleLocator = (sha256: string) => LocatedBundle | undefined;

/**
 * Locates bundles in the controller's content-addressed artifact store. The path is derived
 * from a validated 64-hex sha256, so no request can name a file outside the store.
 */
export function artifactStoreLocator(dataDir: string): BundleLocator {
  return (sha256) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const path = artifactPath(dataDir, sha256);
    return existsSync(path) ? { path, size: statSync(path).size } : undefined;
  };
}
