import { z } from 'zod';
import cron from 'node-cron';
import { idSchema } from '../../protocols/ids.js';
import { salesDateBoundsSchema } from '../../protocols/data/sales-date.js';
import { brokerLimitsSchema } from '../../protocols/mqtt/broker-limits.js';
import { isReservedIdentity } from '../../protocols/reserved-ids.js';
import { hardwareProfileSchema } from '../../protocols/images/profile.js';

/** One POS login on the store broker (issue #5 "POS credentials"). */
export const posUserSchema = z.object({
  /**
   * MQTT username the POS connects with; none of fleetcast's reserved identities (issue #9).
   * With the `mosquitto` backend also no `:` or whitespace (a password-file line is `user:hash`).
   */
  username: z.string().min(1).max(128).refine((name) => !isReservedIdentity(name), 'is reserved for fleetcast itself'),
  /** MQTT password; compared timing-safe (crypto.timingSafeEqual on SHA-256 digests). */
  password: z.string().min(8).max(256),
});

/** TLS for a listener or for the uplink; paths are read once at start. */
export const tlsFilesSchema = z.object({
  /** PEM certificate chain presented by this side. */
  certFile: z.string().min(1),
  /** PEM private key of `certFile`. */
  keyFile: z.string().min(1),
});

/** Store-LAN broker the POS talks to (DESIGN "MQTT contract", store LAN). */
export const posConfigSchema = z.object({
  /** Address to listen on; `0.0.0.0` for the store LAN, `127.0.0.1` for a POS on the same box. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port of the POS broker (1883 plain, 8883 with TLS by convention). */
  port: z.number().int().min(0).max(65_535).default(1883),
  /**
   * Which broker serves the POS (issue #9): `aedes`, embedded, MQTT 3.1.1, nothing to install;
   * or `mosquitto`, a Mosquitto 2 the agent configures and supervises, for MQTT 5 tills
   * (response topic + correlation data) as well as 3.1.1 ones.
   */
  backend: z.enum(['aedes', 'mosquitto']).default('aedes'),
  /** The `mosquitto` 2.x binary run by the `mosquitto` backend. */
  mosquittoBinary: z.string().min(1).default('/usr/sbin/mosquitto'),
  /** Packet size (default 256 KiB), connections, CONNECT deadline and failed-login throttling of the POS listener. */
  limits: brokerLimitsSchema.default({}),
  /** Serve MQTT over TLS with these files instead of plain TCP. */
  tls: tlsFilesSchema.optional(),
  /** Accepted POS logins; at least one, so no anonymous client can reach the scorer. */
  users: z.array(posUserSchema).min(1),
  /** Largest accepted payload on `pos/v1/*`; larger ones get FC_ERR_PAYLOAD_TOO_LARGE. */
  maxPayloadBytes: z.number().int().min(1_024).max(16 * 1024 * 1024).default(256 * 1024),
  /** Score requests queued at once before new ones get FC_ERR_AGENT_OVERLOADED (protects memory). */
  maxInFlight: z.number().int().min(1).max(100_000).default(1_024),
  /**
   * Score requests one POS login may have queued before its next ones get
   * FC_ERR_AGENT_LOGIN_OVERLOADED; logins are served round-robin, so a flooding till cannot
   * starve the others (issue #9 finding 13).
   */
  maxQueuedPerLogin: z.number().int().min(1).max(100_000).default(256),
}).superRefine((pos, context) => {
  if (pos.backend !== 'mosquitto') return;
  pos.users.forEach((user, index) => {
    if (!/^[^:\s]+$/.test(user.username)) context.addIssue({ code: 'custom', path: ['users', index, 'username'], message: 'must not contain ":" or whitespace with the mosquitto backend' });
  });
});

/** Backoff between uplink reconnect attempts: min·2^attempt capped at max, ± jitter. */
export const reconnectSchema = z.object({
  /** First retry delay in milliseconds. */
  minMs: z.number().int().min(10).max(600_000).default(500),
  /** Longest delay in milliseconds (cap of the exponential growth). */
  maxMs: z.number().int().min(10).max(3_600_000).default(60_000),
  /** Share of the delay randomised (0.2 → ±20 %) so a fleet does not reconnect in lockstep. */
  jitter: z.number().min(0).max(1).default(0.2),
});

/** Link to the controller's broker (aedes, Mosquitto, EMQX or AWS IoT). */
export const uplinkConfigSchema = z.object({
  /** Broker URL, `mqtt://host:1883` or `mqtts://host:8883`. */
  url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'must be an mqtt:// or mqtts:// URL'),
  /** Device secret issued by `fleetcast devices add`; the username is the deviceId. */
  password: z.string().min(8).max(512),
  /** PEM CA file to trust for `mqtts://` (else the system store). */
  caFile: z.string().min(1).optional(),
  /** MQTT keepalive in seconds; the last will fires after 1.5× this without traffic. */
  keepaliveSec: z.number().int().min(5).max(3_600).default(30),
  /** Reconnect backoff. */
  reconnect: reconnectSchema.default({}),
  /** Seconds to wait for an `ack` before sending the same batch again. */
  ackTimeoutSec: z.number().int().min(1).max(3_600).default(30),
});

/** Personal data handling (issue #5 "Personal data"). */
export const privacyConfigSchema = z.object({
  /** Request fields that are personal: never stored or logged in clear, only as keyed hashes. */
  personalFields: z.array(z.string().min(1).max(64)).default(['customerId']),
  /** Per-device HMAC-SHA256 key, hex (≥ 32 bytes) — keeps hashes unlinkable across devices. */
  hashKeyHex: z.string().regex(/^([0-9a-f]{2}){32,128}$/, 'must be 32–128 bytes of lowercase hex'),
});

/** A node-cron expression (5 fields, or 6 with seconds first). */
const cronExpression = z.string().min(9).max(100).refine((value) => cron.validate(value), 'must be a valid cron expression');

/** Outbox and schedule settings; the names match `configure` remote settings so a patch applies 1:1. */
export const scheduleConfigSchema = z.object({
  /** Seconds between health heartbeats. */
  heartbeatIntervalSec: z.number().int().min(1).max(86_400).default(60),
  /** Seconds between outbox flushes (and scoring-window closes) while online. */
  flushIntervalSec: z.number().int().min(1).max(3_600).default(10),
  /** Records per `up` batch (the protocol allows ≤ 1,000). */
  uplinkBatchSize: z.number().int().min(1).max(1_000).default(200),
  /** Cron expression (node-cron, 5 or 6 fields) closing a drift window. */
  driftWindowCron: cronExpression.default('0 * * * *'),
  /** Cron expression for pruning old actuals and served predictions. */
  retentionCron: cronExpression.default('30 3 * * *'),
  /** Days of actuals and served predictions kept (must cover the longest lag/rolling window). */
  retentionDays: z.number().int().min(1).max(3_650).default(400),
});

/** Prometheus `/metrics` of the agent (issue #14); off unless a port is given. */
export const metricsConfigSchema = z.object({
  /** Address of the metrics listener; loopback by default so only a local scraper (or an SSH tunnel) reads it. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port of `GET /metrics`; 0 picks a free one (reported in the ready line). */
  port: z.number().int().min(0).max(65_535),
});

/** The agent's `agent.json` (written by `fleetcast agent init`, documented in docs/agent.md). */
export const agentConfigSchema = z.object({
  /** This device's id; also its uplink clientId and username and its topic subtree. */
  deviceId: idSchema,
  /** Hardware profile reported in the birth message (firmware-images profiles). */
  hardwareProfile: idSchema.default('generic'),
  /** Directory for `agent.db` (SQLite: outbox, actuals, counters, update state) and models. */
  dataDir: z.string().min(1),
  /** Unpacked bundle directory (manifest.json + model file) served when the model store has none. */
  modelDir: z.string().min(1).optional(),
  /** Bundle signers trusted for updates: key id → PEM or base64 ed25519 public key. */
  trustedKeys: z.record(z.string().regex(/^[0-9a-f]{16}$/), z.string().min(1)).default({}),
  /**
   * Controller keys (issue #11): key id → PEM or base64 ed25519 public key of the controller
   * (`fleetcast controller key`). They sign downgrade authorizations (rollbacks) and signing-key
   * rotations; they are never accepted as bundle signers, nor bundle signers as controller keys.
   */
  controllerKeys: z.record(z.string().regex(/^[0-9a-f]{16}$/), z.string().min(1)).default({}),
  /** Cloud link; absent means a store that never connects (offline-only install). */
  uplink: uplinkConfigSchema.optional(),
  pos: posConfigSchema,
  privacy: privacyConfigSchema,
  /** Disk budget of the outbox in bytes; when exceeded the oldest records are dropped and counted. */
  outboxBudgetBytes: z.number().int().min(4_096).max(64 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  schedules: scheduleConfigSchema.default({}),
  /** Prometheus metrics listener; absent means no `/metrics` (issue #14). */
  metrics: metricsConfigSchema.optional(),
  /**
   * Sales dates accepted in actuals, `{ min, max }` (YYYY-MM-DD, inclusive); default and widest
   * 1990-01-01..2100-12-31 (issue #9). Stored actuals outside are quarantined at start.
   */
  salesDates: salesDateBoundsSchema.default({}),
  /**
   * The hardware profile this agent runs on (issue #16), written by `fleetcast image build`
   * into the image's default config. The agent applies it: onnxruntime thread and execution
   * options on every session, fp32 instead of int8 when the profile prefers it, and the
   * outbox budget capped at the profile's. Its `id` must equal `hardwareProfile`.
   */
  profile: hardwareProfileSchema.optional(),
  /**
   * The A/B installation this agent runs from (issue #16, `fleetcast image install`): `image-update`
   * writes the new image into the inactive slot under `installDir` and switches its `current`
   * pointer. Absent for an agent not installed from an image (it refuses `image-update`, coded).
   */
  image: z.object({
    /** `<root>/opt/fleetcast`: holds `slots/{a,b}`, `current` and `boot.json`. */
    installDir: z.string().min(1),
  }).strict().optional(),
  /** pino level; `FLEETCAST_LOG_LEVEL` overrides it. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
