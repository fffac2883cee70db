import type { Refusal } from './pos-logins.js';

/**
 * CONNACK codes per refusal: MQTT 3.1.1 return codes (§3.2.2.3) and MQTT 5 reason codes
 * (§3.2.2.2). A reserved or foreign client id is "not authorized" rather than "identifier
 * rejected", so a client does not learn which ids are taken.
 */
const CODES: Record<Refusal, { v4: number; v5: number }> = {
  'bad-credentials': { v4: 4, v5: 0x86 },
  'bad-client-id': { v4: 2, v5: 0x85 },
  'not-authorized': { v4: 5, v5: 0x87 },
};

/** The CONNACK code for `refusal` in the client's protocol version. */
export function connackCode(refusal: Refusal, protocolVersion: number): number {
  return protocolVersion === 5 ? CODES[refusal].v5 : CODES[refusal].v4;
}
