import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the stand-in reported, accumulated across restarts by the test. */
export interface StandInEvents {
  ingest?: number;
  record?: Record<string, unknown>;
  state?: Record<string, unknown>;
  evt?: Record<string, unknown>;
  listening?: number;
  invalidBatch?: unknown;
}

/** A running controller stand-in process. */
export interface StandIn {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** SIGKILL (the broker vanishes as in a power cut or network loss). */
  kill(): Promise<void>;
}

/** Starts `controller-stand-in-main.js` on `port` (0 = any); every event goes to `onEvent`. */
export async function startStandIn(port: number, devicePassword: string, onEvent: (event: StandInEvents) => void): Promise<StandIn> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./controller-stand-in-main.js', import.meta.url)), String(port), devicePassword], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const bound = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('stand-in did not start')), 10_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as StandInEvents;
      if (event.listening !== undefined) {
        clearTimeout(timer);
        resolve(event.listening);
      } else onEvent(event);
    });
  });
  return {
    child,
    port: bound,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
