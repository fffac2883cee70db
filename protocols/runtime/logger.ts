import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured logs for every component (pino, JSON lines on stderr so that stdout stays free
 * for `--json` command output). `FLEETCAST_LOG_LEVEL` overrides the level; tests set `silent`.
 */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const level = process.env.FLEETCAST_LOG_LEVEL ?? options.level ?? 'info';
  return pino({ base: { component }, ...options, level }, pino.destination({ fd: 2, sync: false }));
}
