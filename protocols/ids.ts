import { z } from 'zod';
import { FleetcastError } from './errors/fleetcast-error.js';
import { pathPartProblem } from './paths.js';

/** Longest id accepted; keeps topics well under MQTT and AWS IoT topic limits (AWS: 256 bytes, 7 levels). */
export const MAX_ID_LENGTH = 128;

/**
 * Why `value` is not an id, or null when it is one. An id is one topic level — `/` would add a
 * level, `+` and `#` are MQTT wildcards (MQTT 3.1.1 §4.7.1), NUL is forbidden in topics
 * (§1.5.3) — and one safe path part (protocols/paths.ts: no `.`, `..` or leading dot, no `\`,
 * no control characters), because ids name files and directories (issue #9 finding 2: a
 * deployment id `..` deleted the model store).
 */
function idProblem(value: unknown): string | null {
  if (typeof value === 'string' && value.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  if (typeof value === 'string' && /[+#]/.test(value)) return 'must not contain the MQTT wildcards + or #';
  return pathPartProblem(value);
}

/** Zod form of an id, for message fields that name devices, stores, items, models or deployments. */
export const idSchema = z.string().superRefine((value, ctx) => {
  const problem = idProblem(value);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, params: { fcCode: 'FC_ERR_INVALID_ID' } });
});

/** Throws FC_ERR_INVALID_ID unless `value` can be used as one topic level and one path part. */
export function assertValidId(value: unknown, what = 'id'): string {
  const problem = idProblem(value);
  if (problem) throw new FleetcastError('FC_ERR_INVALID_ID', `${what} ${JSON.stringify(value)} ${problem}`, { what });
  return value as string;
}
