import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadedModules } from '../helpers/loaded-modules.js';

/**
 * `--help` must not load what commands need to run (issue #9: `fleetcast --help` took 1.2–2 s
 * because every module loaded eagerly). Speed itself is measured in bench/cli, not here: this
 * checks the cause, which does not depend on the machine.
 */
const helpOf = [[], ['train'], ['agent'], ['agent', 'install'], ['controller'], ['devices', 'add'], ['predict'], ['data', 'validate'], ['bundle', 'verify'], ['image', 'build'], ['demo']];

for (const path of helpOf) {
  test(`fleetcast ${[...path, '--help'].join(' ')} loads no package but commander`, async (t) => {
    const loaded = await loadedModules([...path, '--help']);
    t.is(loaded.code, 0);
    t.deepEqual([...loaded.packages], ['commander']);
  });
}

test('the check can fail: running a command loads its packages', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-lazy-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const loaded = await loadedModules(['runs', 'list', '--runs-db', join(dir, 'runs.db'), '--json']);
  t.is(loaded.code, 0);
  t.true(loaded.packages.has('better-sqlite3'), [...loaded.packages].join(' '));
});
