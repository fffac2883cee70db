import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '../version.js';
import type { Sender } from '../envelope.js';

/** Fills the envelope (`v`, `id`, `ts`, `sender`) of an outgoing message. */
export function envelope(sender: Sender, now: Date = new Date()): { v: typeof PROTOCOL_VERSION.wire; id: string; ts: string; sender: Sender } {
  return { v: PROTOCOL_VERSION.wire, id: randomUUID(), ts: now.toISOString(), sender };
}
