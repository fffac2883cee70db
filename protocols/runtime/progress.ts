import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';

/** cli-progress loads when a bar is first drawn, not when a command module is imported (issue #9, fast `--help`). */
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

/** Progress of long work (training, tuning, packaging, transfers, rollouts). */
export interface ProgressReporter {
  start(total: number, label: string): void;
  update(done: number, info?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A terminal bar when stderr is a TTY and the command is not in `--json` mode; otherwise
 * nothing is drawn so scripts read clean JSON from stdout.
 */
export function createProgress(options: { json: boolean; stream?: NodeJS.WriteStream }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY) return silentProgress;
  let bar: SingleBar | undefined;
  return {
    start(total, label) {
      const { SingleBar, Presets } = loadCliProgress();
      bar = new SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} {info}`, stream, hideCursor: true }, Presets.shades_classic);
      bar.start(total, 0, { info: '' });
    },
    update(done, info) {
      const text = info ? Object.entries(info).map(([k, v]) => `${k}=${v}`).join(' ') : '';
      bar?.update(done, { info: text });
    },
    stop() {
      bar?.stop();
    },
  };
}

export const silentProgress: ProgressReporter = { start() {}, update() {}, stop() {} };
