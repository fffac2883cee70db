import { readBundle } from '../../../protocols/bundle/read-bundle.js';
import { REFERENCE_FILE, referenceProfileSchema, type ReferenceProfile } from '../../../protocols/drift/reference-profile.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Registry } from '../../registry/registry.js';

/** Most reference profiles kept in memory (one per model version looked at). */
const MAX_CACHED = 32;

/**
 * Reference profiles of registered versions, read from the stored bundle (verified when it was
 * pushed) and kept by sha256, so repeated drift queries do not re-read archives.
 */
export class ReferenceCache {
  private readonly cache = new Map<string, { profile: ReferenceProfile; features: string[] }>();

  constructor(private readonly registry: Registry) {}

  /** The profile and served feature order of model@version; FC_ERR_DRIFT_NO_REFERENCE when the bundle has none. */
  async get(model: string, version: number): Promise<{ profile: ReferenceProfile; features: string[] }> {
    const resolved = this.registry.getModelVersion(model, version);
    const cached = this.cache.get(resolved.sha256);
    if (cached) return cached;
    const { files } = await readBundle(resolved.bundlePath);
    const bytes = files.get(REFERENCE_FILE);
    const parsed = bytes ? referenceProfileSchema.safeParse(JSON.parse(bytes.toString('utf8'))) : null;
    if (!parsed?.success) throw new FleetcastError('FC_ERR_DRIFT_NO_REFERENCE', `${model}@${version} has no readable ${REFERENCE_FILE}`, { model, version });
    const entry = { profile: parsed.data, features: resolved.manifest.input.features.map((feature) => feature.name) };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(resolved.sha256, entry);
    return entry;
  }
}
