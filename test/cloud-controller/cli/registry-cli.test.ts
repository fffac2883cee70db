import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { openControllerContext } from '../../../cloud-controller/controller-context.js';
import { passwordFileUsers } from '../../../cloud-controller/broker/mosquitto/password-file.js';
import { makeBundleSet, tempDir, type BundleSet } from '../helpers.js';

let set: BundleSet;
test.before(async () => {
  set = await makeBundleSet('demand', 2);
});

async function cli(dataDir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; json: Record<string, unknown> }> {
  const result = await runCli([...args, '--data-dir', dataDir, '--json'], { env });
  return { code: result.code, json: JSON.parse(result.stdout) as Record<string, unknown> };
}

test('registry push/promote/alias/approve/history work on the data dir with trusted keys from FLEETCAST_TRUSTED_KEYS', async (t) => {
  const dataDir = tempDir();
  const { publicKeyPath } = await writeKeyFiles(tempDir(), set.key);
  const env = { FLEETCAST_TRUSTED_KEYS: publicKeyPath, FLEETCAST_REQUIRE_PRODUCTION_APPROVAL: 'true' };
  const untrusted = await cli(dataDir, {}, 'registry', 'push', set.bundles[0].path);
  t.is(untrusted.code, 77);
  t.is((untrusted.json.error as { code: string }).code, 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER');

  const pushed = await cli(dataDir, env, 'registry', 'push', set.bundles[0].path, '--actor', 'alice');
  t.is(pushed.code, 0);
  t.is(pushed.json.sha256, set.bundles[0].sha256);
  await cli(dataDir, env, 'registry', 'push', set.bundles[1].path, '--actor', 'alice');
  const pending = await cli(dataDir, env, 'registry', 'promote', 'demand', '1', '--stage', 'Production', '--actor', 'alice', '--reason', 'launch');
  t.is(pending.json.status, 'pending');
  const approvalId = String((pending.json.approval as { id: number }).id);
  const self = await cli(dataDir, env, 'registry', 'approve', approvalId, '--actor', 'alice');
  t.is((self.json.error as { code: string }).code, 'FC_ERR_SELF_APPROVAL');
  t.is(self.code, 77);
  const approved = await cli(dataDir, env, 'registry', 'approve', approvalId, '--actor', 'bob');
  t.is((approved.json.version as { stage: string }).stage, 'Production');
  const alias = await cli(dataDir, env, 'registry', 'alias', 'demand', 'challenger', '2', '--actor', 'bob');
  t.deepEqual(alias.json, { name: 'demand', alias: 'challenger', version: 2 });
  const list = await cli(dataDir, env, 'registry', 'list', 'demand');
  t.deepEqual((list.json.versions as Array<{ version: number; stage: string; aliases: string[] }>).map((v) => [v.version, v.stage, v.aliases]), [[2, 'Development', ['challenger']], [1, 'Production', []]]);
  const history = await cli(dataDir, env, 'registry', 'history', 'demand', '--at', new Date().toISOString());
  t.deepEqual(history.json.productionAt && (history.json.productionAt as { version: number }).version, 1);
  const badStage = await cli(dataDir, env, 'registry', 'promote', 'demand', '2', '--stage', 'Live');
  t.is((badStage.json.error as { code: string }).code, 'FC_ERR_INVALID_REQUEST');

  const context = openControllerContext({ dataDir, env: {} });
  t.teardown(() => context.close());
  const defaultActor = `cli:${process.env.USER ?? userInfo().username}`;
  const audit = context.audit.list().reverse().map((e) => [e.actor, e.action, e.result]);
  t.deepEqual(audit, [
    [defaultActor, 'cli registry push', 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER'],
    ['alice', 'cli registry push', 'ok'],
    ['alice', 'cli registry push', 'ok'],
    ['alice', 'cli registry promote', 'ok'],
    ['alice', 'cli registry approve', 'FC_ERR_SELF_APPROVAL'],
    ['bob', 'cli registry approve', 'ok'],
    ['bob', 'cli registry alias', 'ok'],
    [defaultActor, 'cli registry promote', 'FC_ERR_INVALID_REQUEST'],
  ]);
});

test('devices add shows the secret once; list/show/revoke work by selector', async (t) => {
  const dataDir = tempDir();
  const added = await cli(dataDir, {}, 'devices', 'add', '--id', 'dev-1', '--store', 's1', '--region', 'eu-west', '--timezone', 'Europe/Berlin', '--tags', 'pilot,eu', '--profile', 'pi5');
  t.is(added.code, 0);
  t.is(typeof added.json.secret, 'string');
  const shown = await cli(dataDir, {}, 'devices', 'show', 'dev-1');
  t.false(JSON.stringify(shown.json).includes(added.json.secret as string));
  t.deepEqual(((await cli(dataDir, {}, 'devices', 'list', '--selector', 'tag:pilot,region:eu-west')).json.devices as Array<{ id: string }>).map((d) => d.id), ['dev-1']);
  t.deepEqual((await cli(dataDir, {}, 'devices', 'list', '--selector', 'region:us')).json.devices, []);
  const again = await cli(dataDir, {}, 'devices', 'add', '--id', 'dev-1', '--store', 's1', '--region', 'eu-west', '--timezone', 'UTC', '--profile', 'pi5');
  t.is((again.json.error as { code: string }).code, 'FC_ERR_DEVICE_EXISTS');
  const revoked = await cli(dataDir, {}, 'devices', 'revoke', 'dev-1');
  t.not(revoked.json.revokedAt, null);
  const context = openControllerContext({ dataDir, env: {} });
  t.teardown(() => context.close());
  t.false(context.fleet.verifyDeviceCredentials('dev-1', added.json.secret as string));
});

test('fleetcast predict scores a CSV with name@alias and writes date,store,item,units,prediction', async (t) => {
  const dataDir = tempDir();
  const { publicKeyPath } = await writeKeyFiles(tempDir(), set.key);
  const env = { FLEETCAST_TRUSTED_KEYS: publicKeyPath };
  await cli(dataDir, env, 'registry', 'push', set.bundles[0].path);
  await cli(dataDir, env, 'registry', 'alias', 'demand', 'champion', '1');
  const dir = tempDir();
  const input = join(dir, 'sales.csv');
  const lines = ['date,store,item,units,price'];
  for (let day = 1; day <= 8; day += 1) lines.push(`2026-01-0${day},s1,i1,${day * 2},1.5`);
  lines.push('2026-01-09,s1,i1,,1.5');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const output = join(dir, 'out', 'forecast.csv');
  const result = await cli(dataDir, env, 'predict', '--model', 'demand@champion', '--input', input, '--output', output);
  t.is(result.code, 0, JSON.stringify(result.json));
  t.deepEqual(result.json.model, { name: 'demand', version: 1 });
  t.is(result.json.rows, 9);
  const out = readFileSync(output, 'utf8').trim().split('\n');
  t.is(out[0], 'date,store,item,units,prediction');
  t.is(out.length, 10);
  // 2026-01-09 (Friday, weekday 4): lag_7 = units on 01-02 = 4 → 2 + 0.5·4 + 0.25·4 + 0 − 0 = 5.
  const last = out[9].split(',');
  t.deepEqual(last.slice(0, 4), ['2026-01-09', 's1', 'i1', '']);
  t.true(Math.abs(Number(last[4]) - 5) < 1e-5, last[4]);
  // Six significant digits, as much as a float32 output holds: no 17-digit noise (issue #11).
  for (const line of out.slice(1)) t.regex(line.split(',')[4], /^-?\d+(\.\d+)?$/);
  t.false(out.slice(1).some((line) => line.split(',')[4].replace(/^-?0\.0*/, '').replace('.', '').length > 6), out.join('\n'));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'date,store,item,units\n2026-13-01,s1,i1,3\n');
  const refused = await cli(dataDir, env, 'predict', '--model', 'demand@champion', '--input', bad, '--output', join(dir, 'x.csv'));
  t.is((refused.json.error as { code: string }).code, 'FC_ERR_PREDICT_INPUT');
  t.is(refused.code, 65);
});

test('devices add/revoke on the data dir provision an external Mosquitto password file from the config', async (t) => {
  const dir = tempDir();
  const passwordFile = join(dir, 'passwd');
  const config = join(dir, 'controller.json');
  writeFileSync(config, JSON.stringify({ dataDir: 'data', broker: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1', mosquitto: { passwordFile: 'passwd', pidFile: 'mosquitto.pid' } } }));
  const added = await runCli(['devices', 'add', '--config', config, '--id', 'dev-9', '--store', 's1', '--region', 'eu', '--timezone', 'UTC', '--profile', 'pi5', '--json']);
  t.is(added.code, 0, added.stderr);
  t.deepEqual(passwordFileUsers(passwordFile), ['dev-9']);
  t.false(readFileSync(passwordFile, 'utf8').includes((JSON.parse(added.stdout) as { secret: string }).secret));
  t.is((await runCli(['devices', 'revoke', 'dev-9', '--config', config, '--json'])).code, 0);
  t.deepEqual(passwordFileUsers(passwordFile), []);
});
