import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Logger } from '../runtime/logger.js';
import type { BrokerLimits } from './broker-limits.js';
import { PacketScanner, type PacketViolation } from './packet-scanner.js';

/** A client stream as brokers see it, with the peer address kept for login throttling. */
export interface GuardedStream extends Duplex {
  readonly remoteAddress: string;
}

/**
 * Wraps one accepted broker socket (issue #9 "Brokers with limits"): Nagle off (finding 8:
 * QoS 1 round trips waited 40 ms for delayed ACKs), every packet's announced size checked
 * before its body is read, and the socket closed unless a complete CONNECT arrives within
 * `connectTimeoutMs`. The returned Duplex carries the bytes unchanged to the broker (aedes'
 * `handle`, or the pipe to Mosquitto) and writes back to the socket, coalescing a corked
 * packet's pieces into one write so that Nagle being off does not split packets.
 */
export function guardSocket(socket: Socket, limits: Pick<BrokerLimits, 'maxPacketBytes' | 'connectTimeoutMs'>, logger: Logger): GuardedStream {
  socket.setNoDelay(true);
  const scanner = new PacketScanner(limits.maxPacketBytes);
  const remoteAddress = socket.remoteAddress ?? 'unknown';
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.write(chunk)) callback();
      else socket.once('drain', () => callback());
    },
    writev(chunks, callback) {
      if (socket.write(Buffer.concat(chunks.map((entry) => entry.chunk as Buffer)))) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      clearTimeout(timer);
      socket.destroy();
      callback(error);
    },
  }) as GuardedStream;
  Object.defineProperty(stream, 'remoteAddress', { value: remoteAddress });
  const refuse = (violation: PacketViolation | 'connect-timeout'): void => {
    // A silent socket is routine (port scans, dead peers); an oversized or malformed packet is not.
    logger[violation === 'connect-timeout' ? 'debug' : 'warn']({ remoteAddress, violation }, 'MQTT connection closed by the broker guard');
    stream.destroy();
  };
  const timer = setTimeout(() => refuse('connect-timeout'), limits.connectTimeoutMs);
  timer.unref();
  socket.on('data', (chunk: Buffer) => {
    const violation = scanner.scan(chunk);
    if (violation) return refuse(violation);
    if (scanner.connectReceived) clearTimeout(timer);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (error) => logger.debug({ remoteAddress, err: error.message }, 'MQTT socket error'));
  return stream;
}
