import { createHash } from 'node:crypto';
import { FleetcastError } from '../errors/fleetcast-error.js';
import { bundleManifestSchema, type BundleManifest } from './manifest.js';
import { readBundle } from './read-bundle.js';
import { MANIFEST_FILE, SIGNATURE_FILE, manifestSignatureValid } from './signature.js';
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

function parseManifestJson(bytes: Buffer | undefined): Record<string, unknown> {
  if (!bytes) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} is not JSON`, undefined, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} is not an object`);
  return parsed as Record<string, unknown>;
}

function signerKeyId(raw: Record<string, unknown>): string {
  const signer = raw.signer as { keyId?: unknown } | undefined;
  if (!signer || typeof signer.keyId !== 'string') throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', 'signer.keyId missing');
  return signer.keyId;
}

/**
 * Verifies a bundle, in this order, each failure with its own code: archive complete
 * (TRUNCATED) → manifest JSON (MANIFEST_INVALID) → signature present (UNSIGNED) → signer
 * trusted (UNTRUSTED_SIGNER) → signature valid over the canonical manifest (SIGNATURE_INVALID)
 * → manifest schema (MANIFEST_INVALID) → each file's size and sha256 (FILE_MISSING,
 * FILE_HASH_MISMATCH, FILE_UNEXPECTED) → agent version (AGENT_TOO_OLD) → downgrade (DOWNGRADE).
 * The signature is checked before the schema so that nothing unsigned is interpreted.
 */
export async function verifyBundle(source: string | Buffer, options: VerifyOptions): Promise<VerifiedBundle> {
  const { files: entries, sizeBytes } = await readBundle(source);
  const raw = parseManifestJson(entries.get(MANIFEST_FILE));
  const signature = entries.get(SIGNATURE_FILE);
  if (!signature || signature.length === 0) throw new FleetcastError('FC_ERR_BUNDLE_UNSIGNED');
  const keyId = signerKeyId(raw);
  const key = options.trustedKeys.get(keyId);
  if (!key) throw new FleetcastError('FC_ERR_BUNDLE_UNTRUSTED_SIGNER', `key ${keyId}`, { keyId, trusted: [...options.trustedKeys.keys()] });
  if (!manifestSignatureValid(raw, signature, key)) throw new FleetcastError('FC_ERR_BUNDLE_SIGNATURE_INVALID', `key ${keyId}`, { keyId });
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${issue.path.join('.')}: ${issue.message}`, { path: issue.path.join('.') });
  }
  const manifest = parsed.data;
  const files = new Map<string, Buffer>();
  for (const listed of manifest.files) {
    const bytes = entries.get(listed.path);
    if (!bytes) throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', listed.path, { path: listed.path });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== listed.size || sha256 !== listed.sha256) throw new FleetcastError('FC_ERR_BUNDLE_FILE_HASH_MISMATCH', listed.path, { path: listed.path, expected: listed.sha256, actual: sha256 });
    files.set(listed.path, bytes);
  }
  for (const name of entries.keys()) {
    if (name !== MANIFEST_FILE && name !== SIGNATURE_FILE && !files.has(name)) throw new FleetcastError('FC_ERR_BUNDLE_FILE_UNEXPECTED', name, { path: name });
  }
  if (options.agentVersion !== undefined && compareSemver(options.agentVersion, manifest.minAgentVersion) < 0) {
    throw new FleetcastError('FC_ERR_BUNDLE_AGENT_TOO_OLD', `needs ${manifest.minAgentVersion}, agent is ${options.agentVersion}`, { minAgentVersion: manifest.minAgentVersion, agentVersion: options.agentVersion });
  }
  const floor = options.minVersion;
  if (floor && !options.allowDowngrade && (floor.name === undefined || floor.name === manifest.model.name) && manifest.model.version < floor.version) {
    throw new FleetcastError('FC_ERR_BUNDLE_DOWNGRADE', `${manifest.model.name} v${manifest.model.version} < v${floor.version}`, { name: manifest.model.name, version: manifest.model.version, minVersion: floor.version });
  }
  return { manifest, files, sizeBytes };
}
