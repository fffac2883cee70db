import type { Duplex } from 'node:stream';

/** Where a new POS connection goes once its CONNECT showed the protocol level. */
export interface ProtocolRoutes {
  /** MQTT 3.1/3.1.1 (and anything that is not a readable CONNECT: aedes refuses it itself). */
  legacy(socket: Duplex): void;
  /** MQTT 5 (protocol level 5). */
  v5(socket: Duplex): void;
}

/** Enough bytes for fixed header (≤5), protocol name ("MQIsdp", 2+6) and level (1). */
const MAX_SNIFF_BYTES = 16;

/**
 * Reads the start of a new connection until the CONNECT's protocol level is known, puts those
 * bytes back (`unshift`) and hands the untouched stream on: aedes 1.x speaks only MQTT 3.1.1
 * and refuses level 5, so MQTT 5 clients go to the agent's own front (issue #5) on the same
 * port. A socket that sends nothing within `timeoutMs` is closed.
 */
export function routeByProtocolLevel(socket: Duplex, routes: ProtocolRoutes, timeoutMs: number): void {
  let buffered = Buffer.alloc(0);
  const onError = (): void => {
    socket.destroy();
  };
  const timer = setTimeout(onError, timeoutMs);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const level = connectProtocolLevel(buffered);
    if (level === undefined && buffered.length < MAX_SNIFF_BYTES) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
    socket.pause();
    socket.unshift(buffered);
    if (level === 5) routes.v5(socket);
    else routes.legacy(socket);
  };
  const onClose = (): void => clearTimeout(timer);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
}

/**
 * The protocol level byte of a CONNECT packet at the start of `bytes` (MQTT 5.0 §3.1.2.2),
 * `undefined` while more bytes are needed, `null` when the bytes are not a CONNECT at all.
 */
export function connectProtocolLevel(bytes: Buffer): number | null | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes[0] !== 0x10) return null;
  let offset = 1;
  // Remaining length: variable byte integer of at most 4 bytes (§1.5.5).
  for (;;) {
    if (offset >= bytes.length) return undefined;
    const byte = bytes[offset];
    offset += 1;
    if ((byte & 0x80) === 0) break;
    if (offset > 4) return null;
  }
  if (offset + 2 > bytes.length) return undefined;
  const nameLength = bytes.readUInt16BE(offset);
  if (nameLength > 6) return null;
  const levelAt = offset + 2 + nameLength;
  return levelAt < bytes.length ? bytes[levelAt] : undefined;
}
