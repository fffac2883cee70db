/** Cloud controller: registry, fleet, brokers, API (issue #6). */
export const controllerErrors = {
} as const;
