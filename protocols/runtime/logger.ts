import { createRequire } from 'node:module';
import type { Logger, LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured logs for every component (pino, JSON lines on stderr so that stdout stays free
 * for `--json` command output). `FLEETCAST_LOG_LEVEL` overrides the level; tests set `silent`.
 */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  // pino loads with the first logger, not with every module that can log (issue #9, fast `--help`).
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  const level = process.env.FLEETCAST_LOG_LEVEL ?? options.level ?? 'info';
  return pino({ base: { component }, ...options, level }, pino.destination({ fd: 2, sync: false }));
}
