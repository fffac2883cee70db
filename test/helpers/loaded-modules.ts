import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliEntry, distRoot } from './paths.js';

/** What a `fleetcast …args` child process loaded: module URLs (ESM and CommonJS) and its exit status. */
export interface LoadedModules {
  code: number | null;
  urls: string[];
  /** npm packages among them, by name (`@scope/name` or `name`). */
  packages: Set<string>;
}

const preload = pathToFileURL(join(distRoot, 'test', 'helpers', 'module-log-preload.js')).href;

/** Runs `fleetcast …args` with a loader hook that records every module the process loads. */
export async function loadedModules(args: string[]): Promise<LoadedModules> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-modules-'));
  const log = join(dir, 'modules.txt');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', preload, cliEntry, ...args], {
        env: { ...process.env, FLEETCAST_TEST_MODULE_LOG: log, FLEETCAST_LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    const urls = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const packages = new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
    return { code, urls, packages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
