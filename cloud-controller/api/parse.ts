import type { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { issueCode } from '../../protocols/errors/issue-code.js';

/** Validates request input with zod; FC_ERR_INVALID_REQUEST (or a field's precise code, e.g. FC_ERR_INVALID_ID) names the first offending path. */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetcastError(issueCode(issue, 'FC_ERR_INVALID_REQUEST'), `${issue.path.join('.') || '(root)'}: ${issue.message}`, { path: issue.path });
  }
  return parsed.data;
}
