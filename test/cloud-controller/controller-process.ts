import { spawn, type ChildProcess } from 'node:child_process';
import { cliEntry } from '../helpers/paths.js';

/** The start document `fleetcast controller --json` prints. */
export interface Started {
  api: string;
  broker: string;
  brokerKind: string;
  dataDir: string;
}

/** Spawns `fleetcast controller --json` and resolves with its start document. */
export async function spawnController(cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: Started }> {
  const child = spawn(process.execPath, [cliEntry, 'controller', '--json'], { cwd, env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  const info = await new Promise<Started>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      try {
        resolve(JSON.parse(stdout) as Started);
      } catch {
        // wait for the whole JSON document
      }
    });
    child.once('exit', (code) => reject(new Error(`controller exited early with ${code}: ${stdout}`)));
  });
  return { child, info };
}

/** One REST call with an optional bearer token; JSON in, JSON out. */
export async function api(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls `probe` until it returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}
