import { z } from 'zod';
import { FleetcastError } from './errors/fleetcast-error.js';

/** Longest id accepted; keeps topics well under MQTT and AWS IoT topic limits (AWS: 256 bytes, 7 levels). */
export const MAX_ID_LENGTH = 128;

/**
 * Characters that would break the topic tree or a path: `/` adds a level, `+` and `#` are MQTT
 * wildcards (MQTT 3.1.1 §4.7.1), NUL is forbidden in UTF-8 topic strings (§1.5.3); `\` is a
 * path separator on Windows, and control characters (C0, DEL, C1) corrupt logs, terminals and
 * file names (issue #9 finding 2).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const FORBIDDEN_ID_CHARS = /[/\\+#\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `value` is not an id, or null when it is one. A leading dot is refused because ids name
 * files and directories (issue #9 finding 2: a deployment id `..` deleted the model store):
 * `.` and `..` are the directory itself and its parent, and `.x` is a hidden file.
 */
function idProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  if (value.startsWith('.')) return 'must not start with a dot (., .. and hidden names)';
  if (FORBIDDEN_ID_CHARS.test(value)) return 'must not contain /, \\, +, # or control characters';
  return null;
}

/** Zod form of an id, for message fields that name devices, stores, items, models or deployments. */
export const idSchema = z.string().superRefine((value, ctx) => {
  const problem = idProblem(value);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** True when `value` is a valid id (one topic level and one safe path part). */
export function isValidId(value: unknown): value is string {
  return idProblem(value) === null;
}

/** Throws FC_ERR_INVALID_ID unless `value` can be used as one topic level and one path part. */
export function assertValidId(value: unknown, what = 'id'): string {
  const problem = idProblem(value);
  if (problem) throw new FleetcastError('FC_ERR_INVALID_ID', `${what} ${JSON.stringify(value)} ${problem}`, { what });
  return value as string;
}
