import type { GuardedStream } from '../../../protocols/mqtt/guarded-socket.js';

/**
 * How the answer to one POS request travels when the request itself said so (issue #5 "MQTT 5
 * response topic + correlation data"): the MQTT 5 `responseTopic` property, if any, and a
 * sender that stamps every reply with the request's `correlationData`. Requests over MQTT
 * 3.1.1 have no route and use the payload's `replyTo`/`requestId` instead.
 */
export interface ReplyRoute {
  /** The request's MQTT 5 response topic; still subject to the reply-topic ACL (pos-acl.ts). */
  responseTopic?: string;
  /** Publishes `message` as JSON on `topic`, carrying the request's correlation data. */
  reply(topic: string, message: unknown): void;
}

/** One authorised POS publish on `pos/v1/score/req` or `pos/v1/actuals`, with who sent it. */
export interface PosInbound {
  topic: string;
  payload: Buffer;
  /** MQTT client id of the publisher (unique per login while connected, issue #9). */
  clientId: string;
  /** POS username the publisher logged in with (for per-login fairness and reply-topic checks). */
  username: string;
  /** Set for MQTT 5 publishers (response topic + correlation data). */
  route?: ReplyRoute;
}

export type PosMessageHandler = (message: PosInbound) => void;

/** Options of the agent's own publishes. */
export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}

/**
 * A POS broker backend (issue #9 "MQTT 5 through Mosquitto"): embedded aedes (MQTT 3.1.1) or
 * a Mosquitto the agent supervises (MQTT 3.1.1 and 5). The listener in pos-broker.ts accepts
 * sockets, applies the broker guard and hands each stream here; the backend authenticates
 * through PosLogins, enforces the POS ACL and reports every authorised publish. One contract
 * test (test/edge-agent/pos-broker-contract.ts) runs against both.
 */
export interface PosBackend {
  /** Serves one client connection (already guarded: size, CONNECT deadline, no Nagle). */
  accept(stream: GuardedStream): void;
  /** Publishes from the agent itself (replies, retained status). */
  publish(topic: string, payload: string, options?: PublishOptions): Promise<void>;
  /** Disconnects every client and stops the backend. */
  close(): Promise<void>;
}
