import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

/**
 * Preloaded with `node --import` by loadedModules(): logs ESM loads through the hook and, at
 * exit, the CommonJS modules (the hook does not see `require`) to FLEETCAST_TEST_MODULE_LOG.
 */
register(new URL('./module-log-hook.js', import.meta.url));
process.on('exit', () => {
  const log = process.env.FLEETCAST_TEST_MODULE_LOG;
  if (log) appendFileSync(log, Object.keys(createRequire(import.meta.url).cache).map((path) => `${path}\n`).join(''));
});
