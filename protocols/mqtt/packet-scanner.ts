/** Why a socket was closed by the guard. */
export type PacketViolation = 'packet-too-large' | 'malformed-length' | 'first-packet-not-connect';

/** MQTT control packet type of CONNECT (MQTT 3.1.1 §2.2.1, MQTT 5.0 §2.1.2). */
const CONNECT = 1;

/**
 * Follows the packet boundaries of one client's byte stream without buffering anything: it
 * reads each fixed header (type byte + remaining length, a variable byte integer of at most
 * four bytes, MQTT 5.0 §1.5.5) and then only counts body bytes. A packet announcing more than
 * `maxPacketBytes` is a violation as soon as its length is known (issue #9: aedes 1.x buffered
 * a 268 MB CONNECT whole). The first packet must be a CONNECT (§3.1).
 */
export class PacketScanner {
  private headerBytes = 0;
  private packetType = 0;
  private remaining = 0;
  private multiplier = 1;
  private inBody = false;
  private packets = 0;

  constructor(private readonly maxPacketBytes: number) {}

  /** True once the first packet (the CONNECT) has arrived in full. */
  get connectReceived(): boolean {
    return this.packets > 0;
  }

  /** Advances over `chunk`; returns the first violation found, or null. */
  scan(chunk: Buffer): PacketViolation | null {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.inBody) {
        const taken = Math.min(this.remaining, chunk.length - offset);
        offset += taken;
        this.remaining -= taken;
        if (this.remaining === 0) this.endPacket();
        continue;
      }
      const byte = chunk[offset];
      offset += 1;
      if (this.headerBytes === 0) {
        this.packetType = byte >> 4;
        if (this.packets === 0 && this.packetType !== CONNECT) return 'first-packet-not-connect';
        this.headerBytes = 1;
        continue;
      }
      this.remaining += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.headerBytes += 1;
      if ((byte & 0x80) !== 0) {
        if (this.headerBytes > 4) return 'malformed-length';
        continue;
      }
      if (this.headerBytes + this.remaining > this.maxPacketBytes) return 'packet-too-large';
      if (this.remaining === 0) this.endPacket();
      else this.inBody = true;
    }
    return null;
  }

  private endPacket(): void {
    this.packets += 1;
    this.headerBytes = 0;
    this.remaining = 0;
    this.multiplier = 1;
    this.inBody = false;
  }
}
