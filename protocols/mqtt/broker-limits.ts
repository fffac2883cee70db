import { z } from 'zod';

/**
 * Limits every fleetcast-run MQTT broker applies to its sockets (issue #9 "Brokers with
 * limits"): the agent's POS broker and the controller's embedded aedes. aedes 1.x has none of
 * them, so a CONNECT announcing 268 MB was buffered whole before anything looked at it.
 */
export const brokerLimitsSchema = z.object({
  /**
   * Largest MQTT packet (fixed header included) a client may send. Checked on the fixed
   * header's remaining length before the body is buffered; a larger packet closes the socket.
   */
  maxPacketBytes: z.number().int().min(1_024).max(64 * 1024 * 1024).default(256 * 1024),
  /** Open client sockets at once; further connections are closed on accept (net.Server#maxConnections). */
  maxConnections: z.number().int().min(1).max(100_000).default(1_024),
  /** Milliseconds a new socket gets to deliver its complete CONNECT before it is closed. */
  connectTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Failed logins per remote address before that address is refused without a password check. */
  maxFailedLogins: z.number().int().min(1).max(10_000).default(10),
  /** Window in milliseconds over which failed logins are counted; a block lasts until it ends. */
  failedLoginWindowMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
});
export type BrokerLimits = z.infer<typeof brokerLimitsSchema>;
export type BrokerLimitsInput = z.input<typeof brokerLimitsSchema>;

/** The defaults above, for callers that take no configuration. */
export const DEFAULT_BROKER_LIMITS: BrokerLimits = brokerLimitsSchema.parse({});
