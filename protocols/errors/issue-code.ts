import type { z } from 'zod';
import { errorCatalog, type ErrorCode } from './catalog.js';

/**
 * The code of a zod validation failure: the precise one a refinement names in `params.fcCode`
 * (ids → FC_ERR_INVALID_ID, sales dates → FC_ERR_DATE_OUT_OF_RANGE; issue #9), else `fallback`.
 * Shared by message decoding and REST request parsing so both answer the same code.
 */
export function issueCode(issue: z.ZodIssue, fallback: ErrorCode): ErrorCode {
  const named: unknown = issue.code === 'custom' ? (issue.params as Record<string, unknown> | undefined)?.fcCode : undefined;
  return typeof named === 'string' && named in errorCatalog ? (named as ErrorCode) : fallback;
}
