import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';

test('fleetcast broker mosquitto-config --tls writes config, $7$ password file, pattern ACL and TLS material', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fc-mosq-cli-'));
  try {
    const result = await runCli(['broker', 'mosquitto-config', '--out', join(dir, 'out'), '--data-dir', join(dir, 'data'), '--tls', '--tls-port', '18883', '--json']);
    t.is(result.code, 0, result.stderr);
    const files = JSON.parse(result.stdout) as { config: string; passwordFile: string; aclFile: string; caFile: string };
    for (const file of [files.config, files.passwordFile, files.aclFile, files.caFile]) t.true(existsSync(file), file);
    const identity = JSON.parse(readFileSync(join(dir, 'data', 'broker', 'controller-identity.json'), 'utf8')) as { username: string };
    t.regex(readFileSync(files.passwordFile, 'utf8'), new RegExp(`^${identity.username}:\\$7\\$101\\$`));
    t.true(readFileSync(files.aclFile, 'utf8').includes('pattern write fc/v1/d/%u/up\n'));
    const config = readFileSync(files.config, 'utf8');
    t.true(config.includes('listener 18883 127.0.0.1\n'));
    t.true(config.includes(`cafile ${files.caFile}\n`));

    const bad = await runCli(['broker', 'mosquitto-config', '--out', join(dir, 'out2'), '--data-dir', join(dir, 'data'), '--port', 'nope', '--json']);
    t.is(bad.code, 64);
    t.is((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'FC_ERR_USAGE');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
