import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import { assertValidId } from '../../protocols/ids.js';
import { pathPartProblem, resolveUnder } from '../../protocols/paths.js';

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
 * Directory name of one retained version. Model names are ids (no `/`, `\` or leading dot,
 * issues #2 and #9) but may hold characters a shell dislikes, so they are percent-encoded; `-v`
 * cannot occur inside the encoded name's suffix because the version part is parsed from the
 * last `-v`.
 */
export function versionDirName(ref: ModelRef): string {
  if (!Number.isSafeInteger(ref.version) || ref.version < 1) throw new FleetcastError('FC_ERR_INVALID_ID', `model version ${String(ref.version)}`, { what: 'model version' });
  return `${encodeURIComponent(assertValidId(ref.name, 'model name'))}-v${ref.version}`;
}

/**
 * A directory under `versions/` by name (from `versionDirName`, `active.json` or a listing),
 * proven to stay inside it (protocols/paths.ts, issue #9 finding 2).
 */
export function retainedDirFor(layout: StoreLayout, dirName: string): string {
  return resolveUnder(layout.versionsDir, dirName);
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

/**
 * File name part of a deployment's work: deployment ids are ids too, percent-encoded the same
 * way. Offline installs name theirs `install:<sha256 prefix>`, which is not an id (the colon is
 * fine in a file name), so only the path rules are checked: no separator, no leading dot.
 */
function deploymentPart(deploymentId: string): string {
  const problem = pathPartProblem(deploymentId);
  if (problem) throw new FleetcastError('FC_ERR_INVALID_ID', `deployment id ${JSON.stringify(deploymentId)} ${problem}`, { what: 'deployment id' });
  return encodeURIComponent(deploymentId);
}

/** Staging directory of one deployment, proven to lie under `staging/` (issue #9 finding 2). */
export function stagingDirFor(layout: StoreLayout, deploymentId: string): string {
  return resolveUnder(layout.stagingRoot, deploymentPart(deploymentId));
}

/** Partial-download file of one deployment, proven to lie under `downloads/`. */
export function downloadPathFor(layout: StoreLayout, deploymentId: string): string {
  return resolveUnder(layout.downloadsDir, `${deploymentPart(deploymentId)}.part`);
}
