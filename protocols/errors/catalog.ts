import { protocolErrors } from './codes-protocol.js';
import { dataErrors } from './codes-data.js';
import { trainingErrors } from './codes-training.js';
import { bundleErrors } from './codes-bundle.js';
import { agentErrors } from './codes-agent.js';
import { controllerErrors } from './codes-controller.js';
import { imageErrors } from './codes-image.js';

/**
 * The one error catalog. Each area keeps its codes in its own file so that parallel work
 * does not collide; `test/protocols/errors.test.ts` checks that codes are unique and well formed.
 * Codes are stable: never rename or reuse one (see docs/protocol.md, "Versioning").
 */
export const errorCatalog = {
  ...protocolErrors,
  ...dataErrors,
  ...trainingErrors,
  ...bundleErrors,
  ...agentErrors,
  ...controllerErrors,
  ...imageErrors,
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

/** Process exit status for a code (sysexits.h values; 1 is reserved for "validation failed"). */
export function exitCodeFor(code: ErrorCode): number {
  return errorCatalog[code].exitCode;
}
