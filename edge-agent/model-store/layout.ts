import { join } from 'node:path';
import type { ModelRef } from '../../protocols/envelope.js';

/**
 * Where the model store keeps things under `<dataDir>/models` (docs/agent-updates.md):
 * `versions/<name>-v<version>/` verified, unpacked bundles (only ever created by an atomic
 * rename from staging); `staging/<deploymentId>/` a bundle being unpacked and smoke-tested;
 * `downloads/<deploymentId>.part` a partial download; `active.json` the active pointer.
 */
export interface StoreLayout {
  root: string;
  versionsDir: string;
  stagingRoot: string;
  downloadsDir: string;
  activePointer: string;
}

/** The layout of a store rooted at `root`. */
export function storeLayout(root: string): StoreLayout {
  return {
    root,
    versionsDir: join(root, 'versions'),
    stagingRoot: join(root, 'staging'),
    downloadsDir: join(root, 'downloads'),
    activePointer: join(root, 'active.json'),
  };
}

/**
 * Directory name of one retained version. Model names are ids (no `/`, issue #2) but may hold
 * characters a shell dislikes, so they are percent-encoded; `-v` cannot occur inside the
 * encoded name's suffix because the version part is parsed from the last `-v`.
 */
export function versionDirName(ref: ModelRef): string {
  return `${encodeURIComponent(ref.name)}-v${ref.version}`;
}

/** Inverse of `versionDirName`; null for anything else found in `versions/`. */
export function parseVersionDirName(dirName: string): ModelRef | null {
  const match = /^(.+)-v([1-9][0-9]*)$/.exec(dirName);
  if (!match) return null;
  try {
    return { name: decodeURIComponent(match[1]), version: Number(match[2]) };
  } catch {
    return null;
  }
}

/** Staging directory of one deployment (deployment ids are ids too, percent-encoded the same way). */
export function stagingDirFor(layout: StoreLayout, deploymentId: string): string {
  return join(layout.stagingRoot, encodeURIComponent(deploymentId));
}

/** Partial-download file of one deployment. */
export function downloadPathFor(layout: StoreLayout, deploymentId: string): string {
  return join(layout.downloadsDir, `${encodeURIComponent(deploymentId)}.part`);
}
