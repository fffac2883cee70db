import { createConnection, type Socket } from 'node:net';
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';
import type { GuardedStream } from '../../../protocols/mqtt/guarded-socket.js';
import type { Logger } from '../../../protocols/runtime/logger.js';
import { connackCode } from './connack.js';
import { inboundTopic } from './mosquitto-files.js';
import type { PosLogins } from './pos-logins.js';

/** What every piped connection shares. */
export interface MosquittoPipeDeps {
  /** Mosquitto's Unix socket. */
  socketPath: string;
  logins: PosLogins;
  logger: Logger;
}

/**
 * Carries one POS connection to the supervised Mosquitto (issue #9 "MQTT 5 through
 * Mosquitto"). Not a broker: Mosquitto runs the session, authentication, ACL and MQTT 5
 * semantics. The pipe does the two things Mosquitto cannot: it refuses a CONNECT whose client id
 * is held by another login (PosLogins — Mosquitto would let it take the session over), and it
 * rewrites the topic of POS requests and actuals to `pos/v1/in/{clientId}/…` so the agent's
 * own client learns who asked (Mosquitto's `%c` ACL stops anyone from writing there under
 * another id). Every other packet is forwarded as parsed; broker → client bytes pass untouched.
 */
export function pipeToMosquitto(stream: GuardedStream, deps: MosquittoPipeDeps): void {
  const parser = mqttPacket.parser();
  let upstream: Socket | null = null;
  let connect: IConnectPacket | null = null;
  const close = (): void => {
    stream.destroy();
    upstream?.destroy();
  };
  const send = (packet: Packet): void => {
    if (!upstream || !connect) return;
    if (!upstream.write(mqttPacket.generate(packet, { protocolVersion: connect.protocolVersion }))) {
      stream.pause();
      upstream.once('drain', () => stream.resume());
    }
  };
  parser.on('packet', (packet: Packet) => {
    if (connect === null) {
      if (packet.cmd !== 'connect') return close();
      connect = packet;
      // mqtt-packet reads properties by the version in its settings; the CONNECT just set it (MQTT 5.0 §3.1.2.2).
      (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = packet.protocolVersion ?? 4;
      return open(packet);
    }
    if (packet.cmd === 'publish') {
      const rewritten = inboundTopic(packet.topic, connect.clientId);
      if (rewritten) return send({ ...packet, topic: rewritten });
    }
    send(packet);
  });
  parser.on('error', () => close());
  stream.on('data', (chunk: Buffer) => parser.parse(chunk));
  stream.on('close', () => {
    upstream?.destroy();
    if (connect) deps.logins.forget(connect.clientId, stream);
  });
  stream.on('error', () => undefined);

  function open(packet: IConnectPacket): void {
    const protocolVersion = packet.protocolVersion ?? 4;
    const refusal = deps.logins.admit({ clientId: packet.clientId, username: packet.username, password: packet.password, address: stream.remoteAddress, connection: stream });
    if (refusal !== null) {
      deps.logger.warn({ clientId: packet.clientId, refusal }, 'POS connection refused');
      const code = connackCode(refusal, protocolVersion);
      stream.end(mqttPacket.generate({ cmd: 'connack', sessionPresent: false, ...(protocolVersion === 5 ? { reasonCode: code } : { returnCode: code }) }, { protocolVersion }));
      return;
    }
    upstream = createConnection(deps.socketPath);
    upstream.on('error', (error) => deps.logger.debug({ clientId: packet.clientId, err: error.message }, 'Mosquitto connection error'));
    upstream.on('close', () => stream.destroy());
    upstream.pipe(stream);
    send(packet);
  }
}
