import { readFile } from 'node:fs/promises';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { hardwareProfileSchema, type HardwareProfile } from '../../protocols/images/profile.js';
import { BUILTIN_PROFILES } from './builtin.js';

/** Validates a profile object; FC_ERR_IMAGE_PROFILE_INVALID with the first issue's path. */
export function parseProfile(value: unknown, source: string): HardwareProfile {
  const parsed = hardwareProfileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new FleetcastError('FC_ERR_IMAGE_PROFILE_INVALID', `${source}: ${issue.path.join('.')}: ${issue.message}`, { path: issue.path.join('.') });
}

/** Every built-in profile, validated. */
export function builtinProfiles(): HardwareProfile[] {
  return BUILTIN_PROFILES.map((profile) => parseProfile(profile, profile.id));
}

/**
 * `--profile`: a built-in id (`x86-64-mini-pc`, `arm64-pi`, `arm64-2gb`) or the path of a JSON
 * file holding a profile (a board of a store chain's own), validated the same way.
 */
export async function loadProfile(reference: string): Promise<HardwareProfile> {
  if (reference.endsWith('.json')) {
    let text: string;
    try {
      text = await readFile(reference, 'utf8');
    } catch (error) {
      throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', reference, { path: reference }, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new FleetcastError('FC_ERR_IMAGE_PROFILE_INVALID', `${reference} is not JSON`, undefined, { cause: error });
    }
    return parseProfile(json, reference);
  }
  const found = BUILTIN_PROFILES.find((profile) => profile.id === reference);
  if (!found) throw new FleetcastError('FC_ERR_IMAGE_PROFILE_UNKNOWN', `${reference} (built in: ${BUILTIN_PROFILES.map((profile) => profile.id).join(', ')})`, { profile: reference });
  return parseProfile(found, reference);
}
