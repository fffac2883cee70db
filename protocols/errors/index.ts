export { errorCatalog, errorCodes, exitCodeFor, type ErrorCode } from './catalog.js';
export { FleetcastError, isFleetcastError, toFleetcastError } from './fleetcast-error.js';
export { issueCode } from './issue-code.js';
