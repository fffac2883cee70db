import { z } from 'zod';
import { FleetcastError } from './errors/fleetcast-error.js';

/** Longest id accepted; keeps topics well under MQTT and AWS IoT topic limits (AWS: 256 bytes, 7 levels). */
export const MAX_ID_LENGTH = 128;

/**
 * Characters that would break the topic tree: `/` adds a level, `+` and `#` are MQTT
 * wildcards (MQTT 3.1.1 §4.7.1), NUL is forbidden in UTF-8 topic strings (§1.5.3).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be refused (MQTT 3.1.1 §1.5.3)
const FORBIDDEN_ID_CHARS = /[/+#\u0000]/;

/** Zod form of an id, for message fields that name devices, stores, items or models. */
export const idSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .refine((value) => !FORBIDDEN_ID_CHARS.test(value), { message: 'must not contain /, +, # or NUL' });

/** Throws FC_ERR_INVALID_ID unless `value` can be used as one topic level. */
export function assertValidId(value: unknown, what = 'id'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH || FORBIDDEN_ID_CHARS.test(value)) {
    throw new FleetcastError('FC_ERR_INVALID_ID', `${what} ${JSON.stringify(value)}`, { what });
  }
  return value;
}
