import { randomBytes } from 'node:crypto';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { agentConfigSchema, type AgentConfigInput } from './schema.js';

/** What `fleetcast agent init` may set from its flags; everything else gets a documented default. */
export interface InitConfigOptions {
  /** Device id (defaults to `store-device`). */
  deviceId?: string;
  /** Controller broker URL; without it the agent runs offline-only. */
  uplinkUrl?: string;
  /** Device secret for the uplink (generated when absent and an uplink is set). */
  uplinkPassword?: string;
  /** POS broker port. */
  posPort?: number;
  /** POS broker address. */
  posHost?: string;
  /** Data directory (relative to the config file). */
  dataDir?: string;
  /** Bundle signers to trust from the start (key id → PEM), from `--trust` (issue #11). */
  trustedKeys?: Record<string, string>;
  /** Controller keys (key id → PEM), from `--controller-key`: they sign rollbacks and key rotations. */
  controllerKeys?: Record<string, string>;
}

/**
 * A complete, valid agent config with fresh secrets: a POS password and the per-device
 * HMAC key for personal fields (issue #5 "Personal data"), each 32 random bytes.
 */
export function buildInitialConfig(options: InitConfigOptions): AgentConfigInput {
  const config: AgentConfigInput = {
    deviceId: options.deviceId ?? 'store-device',
    hardwareProfile: 'generic',
    dataDir: options.dataDir ?? 'agent-data',
    trustedKeys: options.trustedKeys ?? {},
    controllerKeys: options.controllerKeys ?? {},
    pos: {
      host: options.posHost ?? '127.0.0.1',
      port: options.posPort ?? 1883,
      users: [{ username: 'pos', password: randomBytes(18).toString('base64url') }],
      maxPayloadBytes: 256 * 1024,
      maxInFlight: 1_024,
    },
    privacy: { personalFields: ['customerId'], hashKeyHex: randomBytes(32).toString('hex') },
    outboxBudgetBytes: 64 * 1024 * 1024,
    schedules: {},
    logLevel: 'info',
  };
  if (options.uplinkUrl !== undefined) {
    config.uplink = { url: options.uplinkUrl, password: options.uplinkPassword ?? randomBytes(24).toString('base64url') };
  }
  // Fill defaults so the written file shows every option a reader can change.
  const result = agentConfigSchema.safeParse(config);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${issue.path.join('.')}: ${issue.message}`, { path: issue.path });
  }
  return result.data;
}
