import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { verifyImage } from '../../protocols/images/verify-image.js';
import type { ImageUpdateCommand } from '../../protocols/messages/cmd/image-update.js';
import { resolveUnder } from '../../protocols/paths.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import { PartialFile } from '../update/partial-file.js';
import { downloadSource } from '../update/steps/download.js';
import type { StepContext } from '../update/steps/step-context.js';
import { currentSlot, otherSlot, pointAt, readBootState, writeBootState, type BootState, type Slot } from './boot-check.js';
import { writeSlot } from './slot-writer.js';

/** What the A/B self-update needs from the daemon (issue #16). */
export interface SelfUpdateOptions {
  /** `<root>/opt/fleetcast`: `slots/{a,b}`, `current`, `boot.json`. */
  installDir: string;
  /** The profile this device runs; an image for another one is refused. */
  profileId: string;
  /** Seconds a trial slot has to prove healthy before it stops itself (then the boot check reverts). */
  healthWindowSec: number;
  /** Signers trusted right now (the same keys as bundles). */
  trustedKeys: () => TrustedKeys;
  /** Download tuning, uplink and credentials shared with model bundles. */
  transfer: Pick<StepContext, 'uplink' | 'sender' | 'logger' | 'http' | 'blob'>;
  logger: Logger;
  /** Stops the agent with this exit status; the supervisor then starts whatever `current` points at. */
  restart(exitCode: number): void;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A/B self-update of the agent (issue #16), after Mender: download the signed image, verify it,
 * unpack it into the inactive slot, record the trial in `boot.json`, switch `current`, exit. The
 * supervisor's boot check starts the trial slot once; the new agent marks itself good when it is
 * online (birth delivered) at a heartbeat within its health window — else it stops, and the next
 * boot check returns `current` to the good slot.
 */
export class SelfUpdate {
  private busy = false;
  private trialTimer: NodeJS.Timeout | null = null;
  private trialOwn = false;

  constructor(private readonly options: SelfUpdateOptions) {}

  /** The slot this code runs from (node resolves `current` to the real slot path), or null outside a slot. */
  async ownSlot(): Promise<Slot | null> {
    const here = await realpath(fileURLToPath(import.meta.url)).catch(() => '');
    for (const slot of ['a', 'b'] as const) {
      const dir = await realpath(join(this.options.installDir, 'slots', slot)).catch(() => null);
      if (dir && here.startsWith(`${dir}/`)) return slot;
    }
    return null;
  }

  /**
   * At start: reports how the last trial ended, and when this agent is the trial, starts the
   * health window. Returns the boot state for the birth log.
   */
  async start(): Promise<BootState> {
    const state = await readBootState(this.options.installDir);
    if (state.last) this.options.logger.info({ code: state.last.outcome === 'reverted' ? 'FC_ERR_IMAGE_TRIAL_REVERTED' : undefined, ...state.last }, 'last image update');
    if (state.trial && state.trial.slot === (await this.ownSlot())) {
      this.trialOwn = true;
      this.trialTimer = setTimeout(() => {
        this.options.logger.error({ code: 'FC_ERR_IMAGE_TRIAL_UNHEALTHY', version: state.trial?.version, windowSec: this.options.healthWindowSec }, 'new image did not report healthy in time; stopping so the previous slot returns');
        this.options.restart(75);
      }, this.options.healthWindowSec * 1_000);
      this.trialTimer.unref();
    }
    return state;
  }

  /** Heartbeat hook: a trial agent that is online (its birth was delivered) marks its slot good. */
  async onHeartbeat(online: boolean): Promise<void> {
    if (!this.trialOwn || !online) return;
    const state = await readBootState(this.options.installDir);
    const own = await this.ownSlot();
    if (!state.trial || state.trial.slot !== own) return;
    await writeBootState(this.options.installDir, { formatVersion: 1, good: own, trial: null, last: { deploymentId: state.trial.deploymentId, version: state.trial.version, outcome: 'committed', at: new Date().toISOString() } });
    this.trialOwn = false;
    if (this.trialTimer) clearTimeout(this.trialTimer);
    this.options.logger.info({ version: state.trial.version, slot: own }, 'image marked good');
  }

  stop(): void {
    if (this.trialTimer) clearTimeout(this.trialTimer);
  }

  /** `image-update`: resolves once `current` points at the new slot and the restart is requested. */
  async update(command: ImageUpdateCommand): Promise<void> {
    if (this.busy) throw new FleetcastError('FC_ERR_UPDATE_BUSY', 'an image update is running');
    this.busy = true;
    try {
      await this.install(command);
    } finally {
      this.busy = false;
    }
  }

  private async install(command: ImageUpdateCommand): Promise<void> {
    const { installDir, profileId, logger } = this.options;
    if (command.image.hardwareProfile !== profileId) throw new FleetcastError('FC_ERR_IMAGE_PROFILE_MISMATCH', `image for ${command.image.hardwareProfile}, device is ${profileId}`);
    const active = await currentSlot(installDir);
    const state = await readBootState(installDir);
    if (!active || (await this.ownSlot()) !== active) throw new FleetcastError('FC_ERR_IMAGE_NOT_INSTALLED', `${installDir} has no slot this agent runs from`);
    if (state.trial) throw new FleetcastError('FC_ERR_UPDATE_BUSY', `slot ${state.trial.slot} is on trial`);
    const target = otherSlot(active);
    const download = resolveUnder(installDir, 'downloads', `${command.deploymentId}.image`);
    await rm(download, { force: true });
    const { file } = await PartialFile.open(download, 0);
    try {
      logger.info({ deploymentId: command.deploymentId, version: command.image.version, size: command.bundle.size }, 'downloading image');
      await downloadSource({ source: command.bundle, transferId: command.deploymentId, file, offset: 0, onChunk: () => undefined }, this.options.transfer);
    } finally {
      await file.close();
    }
    try {
      if ((await sha256OfFile(download)) !== command.bundle.sha256) throw new FleetcastError('FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH', 'image sha256 differs from the command');
      const image = await verifyImage(download, this.options.trustedKeys());
      const { manifest } = image;
      if (manifest.profile.id !== profileId) throw new FleetcastError('FC_ERR_IMAGE_PROFILE_MISMATCH', `image built for ${manifest.profile.id}, device is ${profileId}`);
      if (manifest.nodeAbi !== process.versions.modules) throw new FleetcastError('FC_ERR_IMAGE_PROFILE_MISMATCH', `image native modules need Node ABI ${manifest.nodeAbi}, this Node has ${process.versions.modules}`);
      if (manifest.version !== command.image.version) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `image is ${manifest.version}, command says ${command.image.version}`);
      await writeSlot(join(installDir, 'slots', target), image);
      // The trial is recorded before the pointer moves (state before side effect).
      await writeBootState(installDir, { formatVersion: 1, good: active, trial: { slot: target, version: manifest.version, deploymentId: command.deploymentId, previousVersion: PROTOCOL_VERSION.agentVersion, starts: 0 }, last: state.last });
      await pointAt(installDir, target);
      logger.info({ from: active, to: target, version: manifest.version }, 'image installed; restarting into the new slot');
    } finally {
      await rm(download, { force: true });
    }
    this.options.restart(0);
  }
}
