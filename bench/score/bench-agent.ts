import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cliEntry } from '../../test/helpers/paths.js';

/** A `fleetcast agent` child process started by a bench. */
export interface BenchAgent {
  child: ChildProcess;
  posPort: number;
  /** Milliseconds from Node's start to serving, as the agent reports it. */
  startMs: number;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node [nodeArgs] <entry> agent --config <configPath>` and waits for its ready line.
 * Unlike the test fixture it waits up to `readyTimeoutMs` (2 minutes by default): benches run on
 * a shared machine whose load can slow a start far beyond what a test should allow.
 */
export function startBenchAgent(configPath: string, options: { entry?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<BenchAgent> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? cliEntry, 'agent', '--config', configPath], {
    env: { ...process.env, FLEETCAST_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<BenchAgent>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent not ready within ${options.readyTimeoutMs ?? 120_000} ms`));
    }, options.readyTimeoutMs ?? 120_000);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = (() => {
        try {
          return JSON.parse(line) as { event?: string; posPort: number; startMs: number };
        } catch {
          return null;
        }
      })();
      if (event?.event !== 'ready') return;
      clearTimeout(timer);
      resolve({
        child,
        posPort: event.posPort,
        startMs: event.startMs,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
