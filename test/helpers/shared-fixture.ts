import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distRoot } from './paths.js';

/**
 * Expensive test fixtures built once and shared by every test file of a run (issue #9: the suite
 * must stay under 5 minutes on two cores). A fixture is a directory of files plus a JSON value,
 * stored under `<tmp>/fleetcast-test-fixtures/<name>-<hash>`, where the hash covers the inputs
 * and the compiled code (`dist/`) the builder runs, so a changed builder never serves a stale
 * fixture. Parallel ava workers race for a lock directory; the winner builds into a private
 * directory and renames it into place (atomic), the others wait for that rename — an event,
 * not a timer. A builder that died leaves its lock behind; the next caller takes it over when
 * the lock's process is gone.
 *
 * Treat what you get as read-only: copy files into your own temp dir before changing them.
 */
export async function sharedFixture<T>(name: string, inputs: unknown, build: (dir: string) => Promise<T>): Promise<{ dir: string; value: T }> {
  const root = fixtureRoot();
  await mkdir(root, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify(inputs)).update(await codeHash()).digest('hex').slice(0, 24);
  const dir = join(root, `${name}-${key}`);
  for (;;) {
    const ready = await readValue<T>(dir);
    if (ready !== undefined) return { dir, value: ready };
    if (await takeLock(`${dir}.lock`)) {
      // Another worker may have finished between our read and our lock.
      const built = await readValue<T>(dir);
      if (built === undefined) break;
      await rm(`${dir}.lock`, { recursive: true, force: true });
      return { dir, value: built };
    }
    await renamedInto(root, `${name}-${key}`, dir);
  }
  try {
    const staging = `${dir}.building-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    const value = await build(staging);
    await writeFile(join(staging, VALUE_FILE), JSON.stringify(value));
    await rename(staging, dir);
    return { dir, value };
  } finally {
    await rm(`${dir}.lock`, { recursive: true, force: true });
  }
}

const VALUE_FILE = 'fixture-value.json';

/** Override with FLEETCAST_TEST_FIXTURES (e.g. a CI cache directory); defaults to the OS temp dir. */
function fixtureRoot(): string {
  return process.env.FLEETCAST_TEST_FIXTURES ?? join(tmpdir(), 'fleetcast-test-fixtures');
}

async function readValue<T>(dir: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, VALUE_FILE), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** mkdir is atomic: exactly one caller creates the lock. A lock whose owner died is removed and retried. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    if (owner > 0 && !alive(owner)) {
      await rm(lock, { recursive: true, force: true });
      return takeLock(lock);
    }
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Resolves when `dir` exists (the builder renamed it into place) or the lock is gone (the
 * builder failed, so the caller retries). Watches the parent directory for the rename; the
 * checks after `watch` starts close the race with a rename that happened just before.
 */
async function renamedInto(root: string, entry: string, dir: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const watcher = watch(root, (_event, file) => {
      if (file === entry || file === `${entry}.lock`) done();
    });
    const done = (): void => {
      watcher.close();
      resolve();
    };
    void Promise.all([stat(dir).then(() => true, () => false), stat(`${dir}.lock`).then(() => true, () => false)]).then(([built, locked]) => {
      if (built || !locked) done();
    });
  });
}

let cachedCodeHash: Promise<string> | undefined;

/** Hash of every compiled module's path, size and mtime: any rebuild with changes gives new fixtures. */
function codeHash(): Promise<string> {
  cachedCodeHash ??= (async () => {
    const hash = createHash('sha256');
    for (const folder of ['protocols', 'model-packager', 'edge-agent', 'cloud-controller', join('test', 'helpers')]) {
      const files = (await readdir(join(distRoot, folder), { recursive: true }).catch(() => [] as string[])).filter((file) => file.endsWith('.js')).sort();
      for (const file of files) {
        const info = await stat(join(distRoot, folder, file));
        hash.update(`${folder}/${file}:${info.size}:${info.mtimeMs}\n`);
      }
    }
    return hash.digest('hex');
  })();
  return cachedCodeHash;
}
