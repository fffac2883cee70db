import { copyFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readBundle } from '../../../protocols/bundle/read-bundle.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../../protocols/bundle/signature.js';
import { verifyBundle } from '../../../protocols/bundle/verify-bundle.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { downgradeAuthorized } from '../../../protocols/messages/cmd/downgrade-authorization.js';
import { fsyncPath } from '../../model-store/fsync.js';
import { bundleFileDigest } from '../file-digest.js';
import type { DeploymentRecord } from '../deployment-record.js';
import type { StepContext } from './step-context.js';

/** Files of a verified bundle, plus its raw manifest and signature, ready to unpack. */
export interface VerifiedFiles {
  files: Map<string, Buffer>;
}

/**
 * A lower version may install only with the controller's signature over exactly this device,
 * deployment, model version and bundle (issue #11). A present but wrong authorization is refused
 * outright, so a captured rollback replayed under another deployment id or to another store fails.
 */
function downgradeAllowed(context: StepContext, record: DeploymentRecord): boolean {
  if (!record.downgradeAuthorization || !record.bundle) return false;
  const grant = { deviceId: context.deviceId, deploymentId: record.deploymentId, model: record.model, sha256: record.bundle.sha256 };
  if (!downgradeAuthorized(grant, record.downgradeAuthorization, context.controllerKeys)) {
    throw new FleetcastError('FC_ERR_UPDATE_DOWNGRADE_AUTH_INVALID', `${record.deploymentId} (key ${record.downgradeAuthorization.keyId})`, { keyId: record.downgradeAuthorization.keyId });
  }
  return true;
}

/**
 * verifying: whole-file size and sha256 against the command, then `verifyBundle` (signature,
 * trusted signer, per-file hashes, minimum agent version, no downgrade below the active
 * version of the same model unless authorized), then the manifest must name the commanded model.
 */
export async function verifyStep(context: StepContext, record: DeploymentRecord): Promise<VerifiedFiles> {
  // An install copies the bundle off its medium while verifying, so a resumed staging
  // re-verifies the copy even when the USB stick is gone.
  const downloadPath = context.store.downloadPath(record.deploymentId);
  if (record.kind === 'install' && record.localPath && context.state() === 'verifying') {
    await copyFile(record.localPath, downloadPath).catch((error: unknown) => {
      throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', record.localPath ?? '', undefined, { cause: error });
    });
    await fsyncPath(downloadPath);
    await fsyncPath(dirname(downloadPath));
  }
  // Everything below streams the file from disk (issue #9: never the whole bundle at once).
  if (record.bundle) {
    const { size, sha256 } = await bundleFileDigest(downloadPath);
    if (size !== record.bundle.size || sha256 !== record.bundle.sha256) {
      throw new FleetcastError('FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH', `got ${size} bytes ${sha256}`, { expected: record.bundle, size, sha256 });
    }
  }
  const verified = await verifyBundle(downloadPath, {
    trustedKeys: context.trustedKeys,
    agentVersion: context.agentVersion,
    minVersion: context.store.active()?.ref,
    allowDowngrade: downgradeAllowed(context, record),
  });
  const named = verified.manifest.model;
  if (named.name !== record.model.name || named.version !== record.model.version) {
    throw new FleetcastError('FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH', `bundle holds ${named.name} v${named.version}, command names ${record.model.name} v${record.model.version}`);
  }
  const raw = await readBundle(downloadPath);
  const files = new Map(verified.files);
  files.set(MANIFEST_FILE, raw.files.get(MANIFEST_FILE) as Buffer);
  files.set(SIGNATURE_FILE, raw.files.get(SIGNATURE_FILE) as Buffer);
  return { files };
}
