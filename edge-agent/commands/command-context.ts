import type { RemoteSettings } from '../../protocols/messages/cmd/configure.js';
import type { ImageUpdateCommand } from '../../protocols/messages/cmd/image-update.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { UpdateCommands } from '../ports.js';
import type { ShadowCommand } from '../../protocols/messages/cmd/shadow.js';

/** What command handlers may act on. */
export interface CommandContext {
  logger: Logger;
  /** The update engine, or null while this agent runs without one (deploy/rollback then fail coded). */
  updates: UpdateCommands | null;
  /** Shadow experiments (issue #13); absent on agents built without them (`shadow` then answers unsupported). */
  shadow?: { apply(command: ShadowCommand): Promise<void> };
  /** Applies a remote settings patch (schedules, batch size, log level). */
  applySettings(settings: RemoteSettings): void;
  /** The A/B self-update (issue #16), or absent/null when the agent was not installed from an image. */
  images?: { update(command: ImageUpdateCommand): Promise<void> } | null;
}

