import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** The compiled CLI entry the demo drives, so every step is a real `fleetcast` command. */
const cliEntry = fileURLToPath(new URL('../main.js', import.meta.url));

/**
 * Runs `fleetcast …args --json` to completion and returns its JSON document. A failing step
 * stops the demo with that step's own coded error.
 */
export function runStep<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args, '--json'], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        reject(new FleetcastError('FC_ERR_INTERNAL', `fleetcast ${args.slice(0, 2).join(' ')} printed no JSON (exit ${code}): ${stderr.slice(-500)}`));
        return;
      }
      const failure = parsed as { ok?: boolean; error?: { code: string; message: string } };
      if (code !== 0 || failure.ok === false) {
        reject(new FleetcastError('FC_ERR_INTERNAL', `fleetcast ${args.slice(0, 2).join(' ')} failed: ${failure.error?.code ?? `exit ${code}`} ${failure.error?.message ?? ''}`));
        return;
      }
      resolve(parsed as T);
    });
  });
}

export interface Daemon {
  child: ChildProcess;
  ready: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts a long-running `fleetcast` command (controller, agent) and waits until it prints its
 * readiness JSON on stdout: a document with `readyKey` set.
 */
export function startDaemon(args: string[], readyKey: string, timeoutMs = 30_000): Promise<Daemon> {
  return new Promise((resolve, reject) => {
    // Each daemon in its own process group: a terminal's Ctrl-C reaches only the demo, which then
    // stops the daemons in order. Signalled together, an agent's Mosquitto POS broker died of the
    // same SIGINT, was restarted by its supervisor mid-shutdown and the agent never stopped (issue #14).
    const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new FleetcastError('FC_ERR_INTERNAL', `fleetcast ${args[0]} did not become ready in ${timeoutMs} ms: ${stderr.slice(-500)}`));
    }, timeoutMs);
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        // Generous: an agent killed mid-shutdown would leave its Mosquitto POS broker behind,
        // and on a busy machine a clean stop can take tens of seconds.
        setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
      });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const ready = findJsonWithKey(buffer, readyKey);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, ready, stop });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new FleetcastError('FC_ERR_INTERNAL', `fleetcast ${args[0]} exited (${code}) before it was ready: ${stderr.slice(-500)}`));
    });
  });
}

/** Finds the first complete JSON document (single- or multi-line) in `text` that has `key`. */
function findJsonWithKey(text: string, key: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    for (let end = text.indexOf('}', start); end !== -1; end = text.indexOf('}', end + 1)) {
      try {
        const value = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
        if (key in value) return value;
        break;
      } catch {
        // not yet a complete document
      }
    }
  }
  return undefined;
}
