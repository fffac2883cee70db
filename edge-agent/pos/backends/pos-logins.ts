import { isReservedIdentity } from '../../../protocols/reserved-ids.js';
import { assertValidId } from '../../../protocols/ids.js';
import { LoginThrottle } from '../../../protocols/mqtt/login-throttle.js';
import type { BrokerLimits } from '../../../protocols/mqtt/broker-limits.js';
import type { PosCredentials } from '../pos-auth.js';

/** Why a POS CONNECT was refused; each backend maps it to its CONNACK code (connack.ts). */
export type Refusal = 'bad-credentials' | 'bad-client-id' | 'not-authorized';

/** One CONNECT as a backend saw it. */
export interface LoginAttempt {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  /** Peer address (failed-login throttling). */
  address: string;
  /** The backend's connection object; ownership is released with the same object. */
  connection: object;
}

/**
 * Who is logged in on the POS broker, and the admission rule both backends share (issue #9):
 * a configured login (constant-time check), a client id that is a valid topic level and not a
 * reserved identity, no address over its failed-login budget, and a client id that belongs to
 * one login — while a client id is connected under one username, a CONNECT with that id and
 * another username is refused (finding 5: it received the till's forecasts or kicked it off).
 * The same login may reconnect with its id (the broker's usual takeover).
 */
export class PosLogins {
  private readonly byClient = new Map<string, { username: string; connections: Set<object> }>();
  private readonly throttle: LoginThrottle;

  constructor(private readonly credentials: PosCredentials, limits: BrokerLimits) {
    this.throttle = new LoginThrottle(limits.maxFailedLogins, limits.failedLoginWindowMs);
  }

  /** Decides one CONNECT; on success the connection holds the client id until `forget`. */
  admit(attempt: LoginAttempt): Refusal | null {
    if (this.throttle.blocked(attempt.address)) return 'not-authorized';
    if (!this.credentials.verify(attempt.username, attempt.password)) {
      this.throttle.failed(attempt.address);
      return 'bad-credentials';
    }
    this.throttle.succeeded(attempt.address);
    const username = attempt.username!;
    if (!isValidClientId(attempt.clientId)) return 'bad-client-id';
    if (isReservedIdentity(attempt.clientId)) return 'not-authorized';
    const owner = this.byClient.get(attempt.clientId);
    if (owner && owner.username !== username) return 'not-authorized';
    if (owner) owner.connections.add(attempt.connection);
    else this.byClient.set(attempt.clientId, { username, connections: new Set([attempt.connection]) });
    return null;
  }

  /** Releases the client id held by `connection` once its last connection is gone. */
  forget(clientId: string, connection: object): void {
    const owner = this.byClient.get(clientId);
    if (!owner?.connections.delete(connection)) return;
    if (owner.connections.size === 0) this.byClient.delete(clientId);
  }

  /** The username a connected client id belongs to. */
  username(clientId: string): string | undefined {
    return this.byClient.get(clientId)?.username;
  }

  /** True when both clients are connected under the same username. */
  same(clientId: string, otherClientId: string): boolean {
    const username = this.username(clientId);
    return username !== undefined && username === this.username(otherClientId);
  }
}

function isValidClientId(clientId: string): boolean {
  try {
    assertValidId(clientId, 'clientId');
    return true;
  } catch {
    return false;
  }
}
