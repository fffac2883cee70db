/** Capped exponential backoff with jitter (issue #5 "reconnect with capped exponential backoff + jitter"); shared by the agent's uplink and event sender and the controller's device link (issue #9). */
export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** Share of the delay randomised either way (0.2 → ±20 %). */
  jitter: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): min·2^attempt capped at max, then spread
 * by ±jitter so that a fleet cut off together does not reconnect in lockstep (the thundering
 * herd a controller restart would otherwise cause).
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 30));
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}
