import { z } from 'zod';
import { envelopeFields } from '../../envelope.js';

/** Runtime settings the controller may change remotely; every field is optional (a patch). */
export const remoteSettingsSchema = z
  .object({
    /** Seconds between health heartbeats. */
    heartbeatIntervalSec: z.number().int().min(5).max(86_400),
    /** Seconds between outbox flushes while online. */
    flushIntervalSec: z.number().int().min(1).max(3_600),
    /** Records per `up` batch. */
    uplinkBatchSize: z.number().int().min(1).max(1_000),
    /** Cron expression (node-cron) closing a drift window. */
    driftWindowCron: z.string().min(9).max(100),
    /** pino level of the agent. */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
  })
  .partial();
export type RemoteSettings = z.infer<typeof remoteSettingsSchema>;

export const configureCommandSchema = z.object({
  ...envelopeFields,
  type: z.literal('configure'),
  settings: remoteSettingsSchema,
});
export type ConfigureCommand = z.infer<typeof configureCommandSchema>;
