/**
 * Imported first by in-process tests: loggers are created when their modules load, so the level
 * must be set before any controller module is evaluated (ESM evaluates imports in order).
 * An explicit FLEETCAST_LOG_LEVEL still wins, for diagnosis.
 */
process.env.FLEETCAST_LOG_LEVEL ??= 'silent';
