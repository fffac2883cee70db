import { z } from 'zod';

/** Retraining in the controller config (issue #12): candidates only, never a promotion. */
export const retrainConfigSchema = z.object({
  /**
   * node-cron expression of the retraining job (`0 3 * * *` = 03:00 daily). Each run retrains
   * every model below that has an unresolved alert of a rule with `retrain: true` not yet
   * answered by a candidate. Unset: no scheduled job (`fleetcast retrain` still works).
   */
  cron: z.string().min(9).optional(),
  /** IANA time zone of `cron`; the controller host's by default. */
  timezone: z.string().optional(),
  /** Models the job may retrain, each with the sales CSV that holds its newest data. */
  models: z.array(z.object({ model: z.string().min(1).max(128), data: z.string().min(1) })).max(100).default([]),
  /** Experiment-tracking database holding the champion's run (its training configuration) and the new run. */
  runsDb: z.string().min(1).optional(),
  /** PEM ed25519 private key the candidate bundle is signed with; its public key must be trusted by the controller. */
  signingKey: z.string().min(1).optional(),
});
export type RetrainConfig = z.output<typeof retrainConfigSchema>;
