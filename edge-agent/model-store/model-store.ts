import { unwatchFile, watchFile } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import type { ActiveModel, ActiveModelSource } from '../ports.js';
import { readActivePointer, writeActivePointer, type ActivePointer } from './active-pointer.js';
import { fsyncPath, removeIfPresent, writeFileDurably } from './fsync.js';
import { readInstalledModel } from './installed-model.js';
import { downloadPathFor, parseVersionDirName, retainedDirFor, stagingDirFor, storeLayout, versionDirName, type StoreLayout } from './layout.js';
import { resolveUnder } from '../../protocols/paths.js';

/** Options of the model store. */
export interface ModelStoreOptions {
  /** Root directory of the store, normally `<dataDir>/models`. */
  root: string;
  /**
   * Versions kept on disk for instant rollback, the active one included (≥ 1). Older ones
   * are pruned after each activation (issue #5 "keep the last N versions").
   */
  keepVersions: number;
}

/** Same model name and version. */
export function sameRef(a: ModelRef | null | undefined, b: ModelRef | null | undefined): boolean {
  return !!a && !!b && a.name === b.name && a.version === b.version;
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The agent's models directory: retained verified versions, the staging area and the atomic
 * active pointer (DESIGN "Update state machine", activating). The store only moves files; the
 * update engine decides when (edge-agent/update). Listeners hear every pointer change so the
 * scorer can swap between requests.
 */
export class ModelStore implements ActiveModelSource {
  readonly layout: StoreLayout;
  readonly keepVersions: number;
  private current: ActiveModel | null = null;
  private pointer: ActivePointer | null = null;
  private readonly listeners = new Set<(model: ActiveModel | null) => void>();

  private constructor(options: ModelStoreOptions) {
    this.layout = storeLayout(options.root);
    this.keepVersions = Math.max(1, Math.floor(options.keepVersions));
  }

  /** Creates the directories if needed and loads the active pointer. */
  static async open(options: ModelStoreOptions): Promise<ModelStore> {
    const store = new ModelStore(options);
    try {
      for (const dir of [store.layout.root, store.layout.versionsDir, store.layout.stagingRoot, store.layout.downloadsDir]) await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${options.root}: ${(error as Error).message}`, { root: options.root }, { cause: error });
    }
    await store.reload();
    return store;
  }

  /** The model to serve now, or null when none is installed. */
  active(): ActiveModel | null {
    return this.current;
  }

  /** The pointer behind `active()` (deployment id, activation time). */
  activePointer(): ActivePointer | null {
    return this.pointer;
  }

  /** Hears every change of the active model; returns an unsubscribe. */
  onChange(listener: (model: ActiveModel | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads `active.json` (another process — `fleetcast agent install` — may have switched
   * it) and notifies listeners when the active version changed.
   */
  async reload(): Promise<ActiveModel | null> {
    const pointer = await readActivePointer(this.layout.activePointer);
    if (pointer && this.pointer && JSON.stringify(pointer) === JSON.stringify(this.pointer)) return this.current;
    let model: ActiveModel | null = null;
    if (pointer) model = await Promise.resolve(pointer.dir).then((dir) => readInstalledModel(retainedDirFor(this.layout, dir), pointer.model)).catch(() => null);
    const changed = !sameRef(model?.ref, this.current?.ref) || (model === null) !== (this.current === null);
    this.pointer = model ? pointer : null;
    this.current = model;
    if (changed) this.emit();
    return model;
  }

  /**
   * Polls `active.json` (stat every `intervalMs`) so a daemon notices an offline install done
   * by `fleetcast agent install` beside it and swaps to it. Does not keep the process alive;
   * returns a stop function.
   */
  watchPointer(intervalMs = 1_000): () => void {
    const listener = (): void => void this.reload().catch(() => undefined);
    watchFile(this.layout.activePointer, { persistent: false, interval: intervalMs }, listener);
    return () => unwatchFile(this.layout.activePointer, listener);
  }

  /** Directory of a retained version. */
  versionDir(ref: ModelRef): string {
    return retainedDirFor(this.layout, versionDirName(ref));
  }

  /** Staging directory of a deployment. */
  stagingDir(deploymentId: string): string {
    return stagingDirFor(this.layout, deploymentId);
  }

  /** Partial-download file of a deployment. */
  downloadPath(deploymentId: string): string {
    return downloadPathFor(this.layout, deploymentId);
  }

  /** Retained versions on disk, newest version first (ties by name). */
  async retained(): Promise<ModelRef[]> {
    const names = await readdir(this.layout.versionsDir).catch(() => [] as string[]);
    const refs = names.map(parseVersionDirName).filter((ref): ref is ModelRef => ref !== null);
    return refs.sort((a, b) => b.version - a.version || a.name.localeCompare(b.name));
  }

  /** True when `ref` is kept on disk. */
  async isRetained(ref: ModelRef): Promise<boolean> {
    return pathExists(this.versionDir(ref));
  }

  /**
   * Writes a verified bundle's files into a fresh staging directory, each fsync'd, then the
   * directory itself. Starts from an empty directory so a resumed staging is idempotent.
   */
  async unpackToStaging(deploymentId: string, files: ReadonlyMap<string, Buffer>): Promise<string> {
    const dir = this.stagingDir(deploymentId);
    await this.io(dir, async () => {
      await removeIfPresent(dir);
      await mkdir(dir, { recursive: true });
      for (const [name, bytes] of files) await writeFileDurably(resolveUnder(dir, name), bytes);
      await fsyncPath(dir);
    });
    return dir;
  }

  /**
   * Moves a staged deployment into `versions/` with one atomic rename. Idempotent for resume:
   * when the staging directory is gone the rename already happened. A version already retained
   * is kept as is — versions are monotonic per name in the registry, so the same name and
   * version is the same signed model, and replacing it could leave the pointer dangling.
   */
  async promote(deploymentId: string, ref: ModelRef): Promise<ActiveModel> {
    const staged = this.stagingDir(deploymentId);
    const target = this.versionDir(ref);
    await this.io(target, async () => {
      const hasStaged = await pathExists(staged);
      if (hasStaged && !(await pathExists(target))) {
        await rename(staged, target);
        await fsyncPath(this.layout.versionsDir);
        await fsyncPath(this.layout.stagingRoot);
      } else if (hasStaged) {
        await removeIfPresent(staged);
      }
    });
    if (!(await pathExists(target))) throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${target} missing after promote`, { dir: target });
    return readInstalledModel(target, ref);
  }

  /** Switches the active pointer to a retained version (the commit point) and notifies listeners. */
  async activate(model: ActiveModel, deploymentId: string): Promise<void> {
    const pointer: ActivePointer = { formatVersion: 1, model: model.ref, dir: versionDirName(model.ref), deploymentId, activatedAt: new Date().toISOString() };
    await this.io(this.layout.activePointer, () => writeActivePointer(this.layout.activePointer, pointer));
    const changed = !sameRef(this.current?.ref, model.ref);
    this.pointer = pointer;
    this.current = model;
    if (changed) this.emit();
  }

  /**
   * Removes the active pointer (atomically, by rename-free unlink + directory fsync): used only
   * when a failed first install leaves no verified version to serve, so nothing unverified does.
   */
  async deactivate(): Promise<void> {
    await this.io(this.layout.activePointer, async () => {
      await removeIfPresent(this.layout.activePointer);
      await fsyncPath(this.layout.root);
    });
    const changed = this.current !== null;
    this.pointer = null;
    this.current = null;
    if (changed) this.emit();
  }

  /**
   * Removes retained versions beyond the newest `keepVersions`, never the active one nor any
   * in `protect` (the rollback target of a deployment in flight). Returns what was removed.
   */
  async prune(protect: ReadonlyArray<ModelRef | null> = []): Promise<ModelRef[]> {
    const keep = [this.current?.ref ?? null, ...protect];
    const retained = await this.retained();
    const removable = retained.filter((ref) => !keep.some((kept) => sameRef(kept, ref)));
    const slots = Math.max(0, this.keepVersions - (retained.length - removable.length));
    const removed = removable.slice(slots);
    for (const ref of removed) await this.io(this.versionDir(ref), () => removeIfPresent(this.versionDir(ref)));
    return removed;
  }

  /** Deletes a deployment's staging directory and partial download (after it ended). */
  async discardWork(deploymentId: string): Promise<void> {
    await removeIfPresent(this.stagingDir(deploymentId));
    await removeIfPresent(this.downloadPath(deploymentId));
  }

  /** Deletes staging and download leftovers of deployments other than `keep` (crash debris). */
  async discardOrphans(keep: string | null): Promise<void> {
    const keepStaging = keep === null ? null : this.stagingDir(keep);
    const keepDownload = keep === null ? null : this.downloadPath(keep);
    for (const [root, kept] of [[this.layout.stagingRoot, keepStaging], [this.layout.downloadsDir, keepDownload]] as const) {
      for (const name of await readdir(root).catch(() => [] as string[])) {
        const path = join(root, name);
        if (path !== kept) await removeIfPresent(path);
      }
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }

  private async io<T>(path: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FleetcastError) throw error;
      throw new FleetcastError('FC_ERR_UPDATE_STORE_IO', `${path}: ${(error as Error).message}`, { path }, { cause: error });
    }
  }
}
