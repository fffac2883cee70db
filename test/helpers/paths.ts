import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Root of the compiled tree this test runs from (`dist/`), so tests never hard-code it. */
export const distRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository root (for fixtures and the bin). */
export const repoRoot = join(distRoot, '..');

/** Compiled CLI entry; spawn it with `process.execPath` to run `fleetcast` in a child process. */
export const cliEntry = join(distRoot, 'cli', 'main.js');
