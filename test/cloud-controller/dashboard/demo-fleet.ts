import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cliEntry } from '../../helpers/paths.js';
import type { DemoReady } from '../../../cli/demo/demo-ready.js';

/** A running `fleetcast demo --keep --json` (the fleet `npm start` runs), small for tests. */
export interface DemoFleet {
  child: ChildProcessWithoutNullStreams;
  ready: DemoReady;
  stderr(): string;
  /** Ctrl-C: SIGINT, then the exit code and the result document printed at exit. */
  interrupt(): Promise<{ code: number | null; result: Record<string, unknown> | null }>;
}

/** Starts a demo fleet of `stores` agents and resolves when it prints its `demo-ready` line. */
export async function startDemoFleet(stores: number, extra: string[] = []): Promise<DemoFleet> {
  const dir = join(mkdtempSync(join(tmpdir(), 'fc-demo-keep-')), 'demo');
  const child = spawn(process.execPath, [cliEntry, 'demo', '--keep', '--json', '--dir', dir, '--stores', String(stores), '--items', '5', '--days', '420', '--seed', '3', ...extra], {
    env: { ...process.env, FLEETCAST_LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8_000)));
  // Lines after `demo-ready`: the result document printed at exit.
  const after: string[] = [];
  let isReady = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<DemoReady>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`demo exited ${code} before ready: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (isReady) return void after.push(line);
      const event = JSON.parse(line) as { event?: string };
      if (event.event !== 'demo-ready') return;
      isReady = true;
      resolve(event as DemoReady);
    });
  });
  return {
    child,
    ready,
    stderr: () => stderr,
    interrupt: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      const text = after.join('\n').trim();
      return { code, result: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    },
  };
}
