import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { makeSigningKey, makeTestBundle, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { cliEntry } from '../../helpers/paths.js';
import { runCli } from '../../helpers/run-cli.js';
import { withWrongGoldenOutputs } from './helpers/broken-bundle.js';
import { tempDataDir } from './helpers/engine.js';
import { runUntilHeldThenKill } from './helpers/held-process.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

/**
 * Crash safety of `fleetcast agent install` (issue #5 acceptance): SIGKILL the real CLI right
 * after it persisted each update state, start it again, and require a verified model serving
 * (new or previous, as the table says) and an intact SQLite file.
 */
interface CrashCase {
  hold: 'verifying' | 'staging' | 'activating' | 'committed' | 'rolling_back';
  /** Install the golden-broken bundle (the only way an install reaches rolling_back). */
  broken: boolean;
  /** Version serving after the restart. */
  expectVersion: number;
  /** Exit status and code of the restarted install. */
  expectExit: number;
  expectCode: string | null;
}

const cases: CrashCase[] = [
  { hold: 'verifying', broken: false, expectVersion: 2, expectExit: 0, expectCode: null },
  { hold: 'staging', broken: false, expectVersion: 2, expectExit: 0, expectCode: null },
  { hold: 'activating', broken: false, expectVersion: 2, expectExit: 0, expectCode: null },
  { hold: 'committed', broken: false, expectVersion: 2, expectExit: 0, expectCode: null },
  { hold: 'rolling_back', broken: true, expectVersion: 1, expectExit: 65, expectCode: 'FC_ERR_UPDATE_GOLDEN_FAILED' },
];

for (const crash of cases) {
  test(`install killed in ${crash.hold} ends serving v${crash.expectVersion} with an intact database`, async (t) => {
    const dir = await tempDataDir('fc-crash-install-');
    const key = makeSigningKey();
    const trusted = trustedKeysFromPems([key.publicKeyPem]);
    const { publicKeyPath } = await writeKeyFiles(dir, key);
    const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
    const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
    let target = v2.path;
    if (crash.broken) {
      target = join(dir, 'broken.fcb');
      await writeFile(target, await withWrongGoldenOutputs(v2.bytes, key.privateKey));
    }
    const dataDir = join(dir, 'data');
    const args = ['agent', 'install', '--data-dir', dataDir, '--trust', publicKeyPath, '--json'];
    t.is((await runCli([...args.slice(0, 2), v1.path, ...args.slice(2)])).code, 0);

    const killed = await runUntilHeldThenKill(cliEntry, [...args.slice(0, 2), target, ...args.slice(2)], crash.hold);
    t.is(killed.signal, 'SIGKILL');
    t.is(inspectAgentDb(dataDir).state, crash.hold);
    t.is(inspectAgentDb(dataDir).integrity, 'ok');

    const restarted = await runCli([...args.slice(0, 2), target, ...args.slice(2)]);
    t.is(restarted.code, crash.expectExit, restarted.stdout + restarted.stderr);
    const printed = JSON.parse(restarted.stdout) as { resumed?: { state: string } | null; error?: { code: string } };
    if (crash.expectCode) t.is(printed.error?.code, crash.expectCode);
    else if (crash.hold !== 'committed') t.is(printed.resumed?.state, 'committed');

    const serving = await servingModel(dataDir, trusted);
    t.deepEqual(serving?.ref, { name: 'demand', version: crash.expectVersion });
    t.true((serving?.goldenRows ?? 0) > 0);
    const db = inspectAgentDb(dataDir);
    t.is(db.integrity, 'ok');
    t.is(db.state, crash.expectCode ? 'failed' : 'committed');
  });
}
