import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cliEntry } from '../helpers/paths.js';

/** The start document `fleetcast controller --json` prints. */
export interface Started {
  api: string;
  broker: string;
  brokerKind: string;
  dataDir: string;
}

/** A spawned controller: its process, start document, and a way to wait for one of its log lines. */
export interface SpawnedController {
  child: ChildProcess;
  info: Started;
  /**
   * Resolves with the first pino line (already written or still to come) whose `msg` is `msg`
   * and whose fields include `fields` — an event to wait on instead of polling REST (issue #9).
   * Needs a log level that writes it (pass `FLEETCAST_LOG_LEVEL: 'info'` in `env`).
   */
  logged(msg: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Spawns `fleetcast controller --json` and resolves with its start document. */
export async function spawnController(cwd: string, env: NodeJS.ProcessEnv): Promise<SpawnedController> {
  const child = spawn(process.execPath, [cliEntry, 'controller', '--json'], { cwd, env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<(line: Record<string, unknown>) => boolean>();
  // Always drained, so a chatty log level never fills the pipe and stalls the controller.
  createInterface({ input: child.stderr! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of waiters) if (waiter(line)) waiters.delete(waiter);
  });
  const logged = (msg: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const matches = (line: Record<string, unknown>): boolean => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value);
    const seen = lines.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (line: Record<string, unknown>): boolean => (matches(line) ? (resolve(line), true) : false);
      waiters.add(waiter);
      child.once('exit', (code) => waiters.delete(waiter) && reject(new Error(`controller exited with ${code} before logging ${msg}`)));
    });
  };
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
  return { child, info, logged };
}

/** One REST call with an optional bearer token; JSON in, JSON out. */
export async function api(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Polls `probe` until it returns a value (or throws after `timeoutMs`). Only for state that has
 * no event to wait on yet (the shadow-experiment and agent-image end-to-end tests read REST
 * inventory); prefer the controller's log lines (`SpawnedController`) everywhere else (issue #9).
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}
