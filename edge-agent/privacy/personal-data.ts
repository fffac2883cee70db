import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonymisation of fields the config marks personal (issue #5 "Personal data"):
 * HMAC-SHA256 with a per-device key, so equal values still group on one device while the clear
 * value never reaches the outbox or the logs and hashes cannot be joined across devices.
 */
export class PersonalData {
  private readonly key: Buffer;
  private readonly fields: ReadonlySet<string>;

  constructor(hashKeyHex: string, personalFields: readonly string[]) {
    this.key = Buffer.from(hashKeyHex, 'hex');
    this.fields = new Set(personalFields);
  }

  /** 32 hex digits (128 bits) of HMAC-SHA256 over the value; a valid id and topic level. */
  pseudonym(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex').slice(0, 32);
  }

  /** `value` unchanged, or its pseudonym when `field` is personal. */
  protect(field: string, value: string): string {
    return this.fields.has(field) ? this.pseudonym(value) : value;
  }

  /**
   * A copy of `record` safe for logs and the outbox: personal fields become pseudonyms (strings)
   * or are removed (anything else, which has no stable text form to hash).
   */
  redact(record: Record<string, unknown>): Record<string, unknown> {
    const safe: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(record)) {
      if (!this.fields.has(field)) safe[field] = value;
      else if (typeof value === 'string') safe[field] = this.pseudonym(value);
    }
    return safe;
  }
}
