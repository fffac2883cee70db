/** Edge agent: POS serving, updates, outbox (issue #5). */
export const agentErrors = {
} as const;
