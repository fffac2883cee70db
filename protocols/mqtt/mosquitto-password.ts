import { pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * Mosquitto 2's password hash (`mosquitto_passwd`, format `$7$`): PBKDF2-HMAC-SHA512 with 101
 * iterations, 12-byte salt and 64-byte key, both base64 — `user:$7$101$salt$hash`. Written by
 * fleetcast itself so neither the controller nor the agent needs `mosquitto_passwd`; shared
 * here because both generate Mosquitto password files (issue #9).
 */
const PBKDF2 = { iterations: 101, saltBytes: 12, keyBytes: 64, digest: 'sha512' } as const;

/** One password-file line for `username`. */
export function mosquittoPasswordLine(username: string, password: string): string {
  const salt = randomBytes(PBKDF2.saltBytes);
  const hash = pbkdf2Sync(password, salt, PBKDF2.iterations, PBKDF2.keyBytes, PBKDF2.digest);
  return `${username}:$7$${PBKDF2.iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
