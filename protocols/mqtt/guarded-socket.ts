import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Logger } from '../runtime/logger.js';
import type { BrokerLimits } from './broker-limits.js';
import { PacketScanner, type PacketViolation } from './packet-scanner.js';

/** A client stream as brokers see it, with the peer address kept for login throttling. */
export interface GuardedStream extends Duplex {
  readonly remoteAddress: string;
}

/**
 * Guards one accepted broker socket in place (issue #9 "Brokers with limits"): Nagle off
 * (finding 8: QoS 1 round trips waited 40 ms for delayed ACKs), every packet's announced size
 * checked before its body is buffered, and the socket closed unless a complete CONNECT
 * arrives within `connectTimeoutMs`. The socket itself is returned, so the broker (aedes'
 * `handle`, or the pipe to Mosquitto) reads and writes it with no stream in between: an
 * earlier wrapping Duplex cost a second buffer and push per chunk and a copy per reply
 * (issue #15 bench/score). Corked replies still leave as one writev, Nagle off or not.
 *
 * The check sits in the socket's `push`, the Readable implementer's hook through which every
 * received chunk (TCP or TLS) enters the read buffer: a violating chunk is refused there and
 * never reaches the buffer or the broker's parser.
 */
export function guardSocket(socket: Socket, limits: Pick<BrokerLimits, 'maxPacketBytes' | 'connectTimeoutMs'>, logger: Logger): GuardedStream {
  socket.setNoDelay(true);
  const scanner = new PacketScanner(limits.maxPacketBytes);
  const remoteAddress = socket.remoteAddress ?? 'unknown';
  // Kept after close too (net.Socket's own getter turns undefined), for logs and login throttling.
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
  let timer: NodeJS.Timeout | null = null;
  const refuse = (violation: PacketViolation | 'connect-timeout'): void => {
    // A silent socket is routine (port scans, dead peers); an oversized or malformed packet is not.
    logger[violation === 'connect-timeout' ? 'debug' : 'warn']({ remoteAddress, violation }, 'MQTT connection closed by the broker guard');
    socket.destroy();
  };
  timer = setTimeout(() => refuse('connect-timeout'), limits.connectTimeoutMs);
  timer.unref();
  const push = socket.push.bind(socket);
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null && Buffer.isBuffer(chunk)) {
      if (socket.destroyed) return false;
      const violation = scanner.scan(chunk);
      if (violation) {
        refuse(violation);
        return false;
      }
      if (timer && scanner.connectReceived) {
        clearTimeout(timer);
        timer = null;
      }
    }
    return push(chunk, encoding);
  };
  socket.once('close', () => {
    if (timer) clearTimeout(timer);
  });
  socket.on('error', (error) => logger.debug({ remoteAddress, err: error.message }, 'MQTT socket error'));
  return socket as GuardedStream;
}
