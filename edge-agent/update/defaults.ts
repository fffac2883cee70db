/**
 * Versions kept for instant rollback when the config does not say (the active one included).
 * Kept apart from the update engine so command definitions can show it without loading it (issue #9).
 */
export const DEFAULT_KEEP_VERSIONS = 3;
