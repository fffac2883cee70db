/**
 * Default tracking database, relative to the working directory; `--runs-db` overrides it.
 * Kept apart from the run store so command definitions can show it without loading SQLite (issue #9).
 */
export const DEFAULT_RUNS_DB = '.fleetcast/runs.db';
