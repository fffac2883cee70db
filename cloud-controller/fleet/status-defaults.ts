/**
 * Offline for longer than this (seconds) counts against the fleet by default. Kept apart from
 * fleet-status.ts (zod) so `fleetcast status --help` loads nothing heavy (issue #9).
 */
export const DEFAULT_OFFLINE_AFTER_SEC = 300;
