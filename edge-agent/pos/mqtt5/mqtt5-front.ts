import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import type { Logger } from '../../../protocols/runtime/logger.js';
import type { PosCredentials } from '../pos-auth.js';
import type { PosLogins, PosMessageHandler } from '../pos-broker.js';
import { Mqtt5Session } from './mqtt5-session.js';
import { reasonCodes } from './reason-codes.js';

/** What every MQTT 5 POS session shares with the 3.1.1 side of the broker. */
export interface Mqtt5FrontDeps {
  /** The embedded broker: MQTT 5 sessions subscribe on it, so both protocol sides see one bus. */
  aedes: Aedes;
  /** The same POS logins aedes checks (issue #5 "compare timing-safe"). */
  credentials: PosCredentials;
  /** Username per connected client, shared with aedes clients (reply-topic ACL siblings). */
  logins: PosLogins;
  /** Receives every authorised POS publish, like aedes' `publish` event does for 3.1.1. */
  onMessage: PosMessageHandler;
  logger: Logger;
  /**
   * Largest MQTT packet accepted (and advertised in CONNACK as Maximum Packet Size); bigger
   * packets end the connection with reason 0x95 before they are buffered whole.
   */
  maxPacketBytes: number;
  /** Time a connection gets to send CONNECT. */
  connectTimeoutMs: number;
}

/**
 * The agent's own MQTT 5 front for POS clients (issue #5 "MQTT 5 response topic + correlation
 * data"): aedes 1.x refuses protocol level 5, so these sessions are served here and join aedes'
 * message bus through internal subscriptions. Keeps one session per client id (a new
 * connection takes over, MQTT 5.0 §3.1.4-3).
 */
export class Mqtt5Front {
  private readonly deps: Mqtt5FrontDeps;
  private readonly sessions = new Map<string, Mqtt5Session>();
  private readonly all = new Set<Mqtt5Session>();

  constructor(deps: Mqtt5FrontDeps) {
    this.deps = deps;
  }

  /** Serves one connection whose CONNECT announced protocol level 5. */
  accept(socket: Duplex): void {
    const session = new Mqtt5Session(socket, this.deps, {
      claim: (clientId) => {
        this.sessions.get(clientId)?.disconnect(reasonCodes.sessionTakenOver);
        this.sessions.set(clientId, session);
      },
      closed: (clientId) => {
        this.all.delete(session);
        if (clientId !== null && this.sessions.get(clientId) === session) this.sessions.delete(clientId);
      },
    });
    this.all.add(session);
    session.start();
  }

  /** Ends every MQTT 5 session with reason 0x8B (server shutting down). */
  close(): void {
    for (const session of this.all) session.disconnect(reasonCodes.serverShuttingDown);
  }
}
