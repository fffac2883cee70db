import { appendFileSync } from 'node:fs';

/**
 * A module-loader hook (node:module `register`) that appends every URL the process loads to the
 * file named by FLEETCAST_TEST_MODULE_LOG: tests see what a command really loads (issue #9).
 */
export async function load(url: string, context: unknown, next: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  const log = process.env.FLEETCAST_TEST_MODULE_LOG;
  if (log) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
