import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { testHoldMarker, TEST_HOLD_ENV } from '../../../../edge-agent/update/test-hold.js';

/** A child process that was stopped by SIGKILL at a test-hold point. */
export interface KilledAt {
  point: string;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/**
 * Spawns `node <script> …args` with FLEETCAST_TEST_HOLD_STATE=<point>, waits until it prints
 * the hold marker (it has then persisted that state and paused), and SIGKILLs it there.
 * `started` lets the caller act on the running child (e.g. send it a command) before the hold.
 */
export function runUntilHeldThenKill(script: string, args: string[], point: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; started?: (child: ChildProcessWithoutNullStreams) => void } = {}): Promise<KilledAt> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...options.env, [TEST_HOLD_ENV]: point }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let held = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`never held at ${point}; stderr: ${stderr.slice(-2000)} stdout: ${stdout.slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!held && stderr.includes(testHoldMarker(point))) {
        held = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!held) reject(new Error(`exited ${code ?? signal} before holding at ${point}; stderr: ${stderr.slice(-2000)} stdout: ${stdout.slice(-2000)}`));
      else resolve({ point, signal, stdout });
    });
    options.started?.(child);
  });
}
