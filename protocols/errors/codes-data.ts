/** Data ingest and validation (issue #3). */
export const dataErrors = {
} as const;
