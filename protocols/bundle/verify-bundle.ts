import { FleetcastError } from '../errors/fleetcast-error.js';
import { bundleManifestSchema, type BundleManifest } from './manifest.js';
import { readBundle } from './read-bundle.js';
import { verifySignedEntries } from './signed-archive.js';
import { compareSemver } from './agent-version.js';
import type { TrustedKeys } from './keys.js';

/** What a verifier needs to decide whether a bundle may be installed. */
export interface VerifyOptions {
  /** Public keys accepted as signers, by key id (several at once for rotation). */
  trustedKeys: TrustedKeys;
  /** Lowest acceptable version of model `name` (any name when omitted); a lower one is a downgrade. */
  minVersion?: { name?: string; version: number };
  /** Version of the agent that will run the bundle, checked against `minAgentVersion`. */
  agentVersion?: string;
  /** An operator-requested rollback may install a lower version on purpose. */
  allowDowngrade?: boolean;
}

/** A bundle whose signature, signer, file hashes and version rules all held. */
export interface VerifiedBundle {
  manifest: BundleManifest;
  /** Every file the manifest lists (not the manifest or signature), by path. */
  files: Map<string, Buffer>;
  sizeBytes: number;
}

/**
 * Verifies a bundle, in this order, each failure with its own code: archive complete
 * (TRUNCATED) → signature, schema and files (`verifySignedEntries`) → agent version
 * (AGENT_TOO_OLD) → downgrade (DOWNGRADE).
 */
export async function verifyBundle(source: string | Buffer, options: VerifyOptions): Promise<VerifiedBundle> {
  const { files: entries, sizeBytes } = await readBundle(source);
  const { manifest, files } = verifySignedEntries(entries, bundleManifestSchema, options.trustedKeys);
  if (options.agentVersion !== undefined && compareSemver(options.agentVersion, manifest.minAgentVersion) < 0) {
    throw new FleetcastError('FC_ERR_BUNDLE_AGENT_TOO_OLD', `needs ${manifest.minAgentVersion}, agent is ${options.agentVersion}`, { minAgentVersion: manifest.minAgentVersion, agentVersion: options.agentVersion });
  }
  const floor = options.minVersion;
  if (floor && !options.allowDowngrade && (floor.name === undefined || floor.name === manifest.model.name) && manifest.model.version < floor.version) {
    throw new FleetcastError('FC_ERR_BUNDLE_DOWNGRADE', `${manifest.model.name} v${manifest.model.version} < v${floor.version}`, { name: manifest.model.name, version: manifest.model.version, minVersion: floor.version });
  }
  return { manifest, files, sizeBytes };
}
