import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readBundle } from '../../../protocols/bundle/read-bundle.js';
import type { AgentConfigInput } from '../../../edge-agent/config/schema.js';
import { cliEntry } from '../../helpers/paths.js';
import { makeSigningKey, makeTestBundle, type TestBundle } from '../../helpers/bundle-fixtures.js';

/** POS login every fixture config accepts. */
export const POS_USER = { username: 'pos', password: 'pos-secret-1' };
/** Per-device HMAC key of fixture configs (32 bytes). */
export const HASH_KEY_HEX = 'ab'.repeat(32);

/** A temp dir with a real signed bundle unpacked into `<dir>/model` (manifest.json + files). */
export async function makeModelDir(kind: 'gbdt' | 'linear' = 'gbdt'): Promise<{ root: string; modelDir: string; bundle: TestBundle }> {
  const root = await mkdtemp(join(tmpdir(), 'fc-agent-'));
  const bundle = await makeTestBundle({ dir: root, name: 'demand', version: 3, key: makeSigningKey(), kind });
  const modelDir = join(root, 'model');
  await mkdir(modelDir);
  for (const [name, bytes] of (await readBundle(bundle.bytes)).files) await writeFile(join(modelDir, name), bytes);
  return { root, modelDir, bundle };
}

/** Writes `<root>/agent.json` for a test agent; `overrides` replace top-level sections. */
export async function writeAgentConfig(root: string, overrides: Partial<AgentConfigInput> = {}): Promise<string> {
  const config: AgentConfigInput = {
    deviceId: 'store-1',
    dataDir: join(root, 'data'),
    modelDir: join(root, 'model'),
    pos: { host: '127.0.0.1', port: 0, users: [POS_USER] },
    privacy: { personalFields: ['customerId'], hashKeyHex: HASH_KEY_HEX },
    logLevel: 'info',
    ...overrides,
  };
  const path = join(root, 'agent.json');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/** A real `fleetcast agent` child process. */
export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  posPort: number;
  /** Port of the agent's `/metrics` when its config enables it (issue #14), else null. */
  metricsPort: number | null;
  startMs: number;
  /** Everything the agent wrote to stderr (its pino logs). */
  stderr(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns the agent and waits for its `ready` line (rejects on early exit or after 20 s). */
export async function startAgentProcess(configPath: string, env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [cliEntry, 'agent', '--config', configPath], {
    env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    if (signal) stderr += `\n[agent ended by ${signal}]`;
    resolve(code);
  }));
  const ready = await new Promise<{ posPort: number; metricsPort?: number | null; startMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent not ready in 20 s: ${stderr}`)), 20_000);
    void exited.then((code) => reject(new Error(`agent exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; posPort: number; metricsPort?: number | null; startMs: number };
        if (event.event === 'ready') {
          clearTimeout(timer);
          resolve(event);
        }
      } catch {
        // not the ready line
      }
    });
  });
  return {
    child,
    posPort: ready.posPort,
    metricsPort: ready.metricsPort ?? null,
    startMs: ready.startMs,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
