import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleManifestSchema } from '../../protocols/bundle/manifest.js';
import { MANIFEST_FILE, SIGNATURE_FILE, manifestSignatureValid } from '../../protocols/bundle/signature.js';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { ActiveModel } from '../ports.js';
import { modelFileFor } from '../../protocols/bundle/serving-precision.js';
import { readServingChoice } from './serving-choice.js';

/**
 * Reads an unpacked bundle directory's manifest (schema only; see `verifyInstalledModel`) and
 * the precision it serves in (`serving-choice.ts`: int8 only when it passed its golden check).
 */
export async function readInstalledModel(dir: string, ref: ModelRef): Promise<ActiveModel> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${dir}: manifest unreadable`, { dir }, { cause: error });
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', dir, { dir });
  const manifest = parsed.data;
  const serving = await readServingChoice(dir, manifest);
  return { ref, dir, manifest, modelPath: join(dir, modelFileFor(manifest, serving.precision)), serving };
}

/**
 * Re-checks an unpacked bundle before it is made active again (rollback, recovery): the
 * signature over the stored manifest against the trusted keys and every file's size and
 * sha256, so a retained directory damaged on disk is never served (DESIGN: "never leaving the
 * store without a verified model").
 */
export async function verifyInstalledModel(dir: string, ref: ModelRef, trustedKeys: TrustedKeys): Promise<ActiveModel> {
  let raw: Record<string, unknown>;
  let signature: Buffer;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    signature = await readFile(join(dir, SIGNATURE_FILE));
  } catch (error) {
    throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${dir}: manifest or signature unreadable`, { dir }, { cause: error });
  }
  const keyId = (raw.signer as { keyId?: unknown } | undefined)?.keyId;
  const key = typeof keyId === 'string' ? trustedKeys.get(keyId) : undefined;
  if (!key) throw new FleetcastError('FC_ERR_BUNDLE_UNTRUSTED_SIGNER', `key ${String(keyId)}`, { dir });
  if (!manifestSignatureValid(raw, signature, key)) throw new FleetcastError('FC_ERR_BUNDLE_SIGNATURE_INVALID', dir, { dir });
  const model = await readInstalledModel(dir, ref);
  if (model.manifest.model.name !== ref.name || model.manifest.model.version !== ref.version) {
    throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${dir} holds ${model.manifest.model.name} v${model.manifest.model.version}`, { dir });
  }
  for (const file of model.manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, file.path));
    } catch (error) {
      throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', `${dir}/${file.path}`, { path: file.path }, { cause: error });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== file.size || sha256 !== file.sha256) throw new FleetcastError('FC_ERR_BUNDLE_FILE_HASH_MISMATCH', `${dir}/${file.path}`, { path: file.path });
  }
  return model;
}
