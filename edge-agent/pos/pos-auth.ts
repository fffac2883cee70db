import { createHash, timingSafeEqual } from 'node:crypto';

/** The POS logins from the config, as a constant-time checker. */
export class PosCredentials {
  private readonly digests: Map<string, Buffer>;

  constructor(users: ReadonlyArray<{ username: string; password: string }>) {
    this.digests = new Map(users.map((user) => [user.username, digest(Buffer.from(user.password, 'utf8'))]));
  }

  /**
   * True when the pair matches a configured login. Both sides are hashed to equal length first
   * and an unknown username is still compared (against a fixed digest), so timing reveals
   * neither the password length nor which usernames exist (issue #5 "compare timing-safe").
   */
  verify(username: string | undefined, password: Buffer | undefined): boolean {
    const expected = (username !== undefined ? this.digests.get(username) : undefined) ?? UNKNOWN_USER_DIGEST;
    const matches = timingSafeEqual(expected, digest(password ?? Buffer.alloc(0)));
    return matches && expected !== UNKNOWN_USER_DIGEST;
  }
}

function digest(value: Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

const UNKNOWN_USER_DIGEST = digest(Buffer.from('fleetcast:no-such-user'));
