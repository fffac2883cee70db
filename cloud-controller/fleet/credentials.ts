import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost parameters (RFC 7914). N=2^14, r=8, p=1 is the interactive-login setting from
 * the scrypt paper (tens of ms per check); `Fleet` caches successful checks so reconnects skip it.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

/** A fresh device secret: 32 random bytes, base64url, shown to the operator exactly once. */
export function generateDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Encodes `secret` as `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking old rows. */
export function hashDeviceSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** A hash that never matches, checked for unknown devices so that timing does not reveal enrolment. */
export const UNMATCHABLE_HASH = hashDeviceSecret(randomBytes(32).toString('hex'));

interface StoredHash {
  salt: Buffer;
  expected: Buffer;
  options: ScryptOptions;
}

function parseStoredHash(stored: string): StoredHash | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  return { salt: Buffer.from(salt, 'base64'), expected: Buffer.from(hash, 'base64'), options: { N: Number(n), r: Number(r), p: Number(p) } };
}

/** Checks `secret` against a stored hash in constant time (crypto.timingSafeEqual). */
export function verifyDeviceSecret(secret: string, stored: string): boolean {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  return timingSafeEqual(scryptSync(secret, parsed.salt, parsed.expected.length, parsed.options), parsed.expected);
}

/**
 * `verifyDeviceSecret` on libuv's thread pool (async crypto.scrypt), for the broker's login
 * path: a synchronous scrypt per failed login stalled every client of the broker (issue #9).
 */
export function verifyDeviceSecretAsync(secret: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    scrypt(secret, parsed.salt, parsed.expected.length, parsed.options, (error, actual) => (error ? reject(error) : resolve(timingSafeEqual(actual, parsed.expected))));
  });
}
