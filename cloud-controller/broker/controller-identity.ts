import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { idSchema } from '../../protocols/ids.js';
import { RESERVED_IDENTITIES } from '../../protocols/reserved-ids.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** The controller's own broker login, distinct from every device (issue #6: "a separate controller identity"). */
export const controllerIdentitySchema = z.object({
  username: idSchema,
  password: z.string().min(32),
});
export type ControllerIdentity = z.infer<typeof controllerIdentitySchema>;

/** Default controller username; reserved, so no device can be enrolled under it (issue #9). */
export const DEFAULT_CONTROLLER_USERNAME = RESERVED_IDENTITIES.controller;

/** File inside the broker directory that keeps the identity across restarts. */
export const CONTROLLER_IDENTITY_FILE = 'controller-identity.json';

/**
 * Loads the controller identity from `<brokerDir>/controller-identity.json`, creating it with
 * a fresh random password (mode 0600) on first use, so the embedded broker, the Mosquitto
 * password file and the device link all agree on it.
 */
export function loadOrCreateControllerIdentity(brokerDir: string, username: string = DEFAULT_CONTROLLER_USERNAME): ControllerIdentity {
  const file = join(brokerDir, CONTROLLER_IDENTITY_FILE);
  if (existsSync(file)) {
    const parsed = controllerIdentitySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new FleetcastError('FC_ERR_BROKER_CONFIG', `${file}: ${parsed.error.issues[0].message}`, { path: file });
    return parsed.data;
  }
  const identity = controllerIdentitySchema.parse({ username, password: randomBytes(32).toString('base64url') });
  mkdirSync(brokerDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  return identity;
}
