import type { Sender } from '../../protocols/envelope.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { AgentConfig } from '../config/schema.js';
import type { UplinkPort } from '../ports.js';
import { httpCredentials } from '../update/agent-updates.js';
import { trustedKeysFromConfig } from '../update/trusted-keys.js';
import { DEFAULT_BLOB, DEFAULT_HTTP } from '../update/update-manager.js';
import { SelfUpdate } from './self-update.js';

/** Health window when the config carries no profile (issue #16). */
const DEFAULT_HEALTH_WINDOW_SEC = 120;
const IMAGE_SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * The self-update of an agent installed from an image (config `image`), or null for one that
 * was not: such an agent answers `image-update` with FC_ERR_IMAGE_NOT_INSTALLED. Exiting hands
 * control to the supervisor: SIGTERM runs the daemon's clean shutdown, and the status says why.
 */
export function createSelfUpdate(config: AgentConfig, services: { uplink: UplinkPort; sender: Sender; logger: Logger }): SelfUpdate | null {
  if (!config.image) return null;
  const trusted = trustedKeysFromConfig(config.trustedKeys);
  return new SelfUpdate({
    installDir: config.image.installDir,
    profileId: config.hardwareProfile,
    healthWindowSec: config.profile?.healthWindowSec ?? DEFAULT_HEALTH_WINDOW_SEC,
    trustedKeys: () => trusted,
    // An image download restarts from zero after a restart, so syncing every 256 KiB (what
    // resumable bundle downloads need) would only cost: hundreds of fsyncs per image.
    transfer: { ...services, http: { ...DEFAULT_HTTP, syncEveryBytes: IMAGE_SYNC_EVERY_BYTES, credentials: httpCredentials(config) }, blob: DEFAULT_BLOB },
    logger: services.logger,
    restart: (exitCode) => {
      process.exitCode = exitCode;
      setImmediate(() => process.kill(process.pid, 'SIGTERM'));
    },
  });
}
