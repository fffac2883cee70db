import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';
import { agentConfigSchema } from '../../../edge-agent/config/schema.js';
import { makeModelDir, startAgentProcess } from '../helpers/agent-fixture.js';

test('agent init writes a complete, valid config with fresh secrets; refuses to overwrite without --force', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-init-'));
  const out = join(dir, 'agent.json');
  const result = await runCli(['agent', 'init', '--out', out, '--device-id', 'store-77', '--uplink', 'mqtt://127.0.0.1:1883', '--pos-port', '1999', '--json']);
  t.is(result.code, 0, result.stderr);
  const config = agentConfigSchema.parse(JSON.parse(await readFile(out, 'utf8')));
  t.is(config.deviceId, 'store-77');
  t.is(config.pos.port, 1999);
  t.is(config.uplink?.url, 'mqtt://127.0.0.1:1883');
  t.regex(config.privacy.hashKeyHex, /^[0-9a-f]{64}$/);
  t.is(config.schedules.heartbeatIntervalSec, 60, 'defaults are written out');
  const again = await runCli(['agent', 'init', '--out', out, '--json']);
  t.is(again.code, 73);
  t.is(JSON.parse(again.stdout).error.code, 'FC_ERR_AGENT_CONFIG_EXISTS');
  const second = await runCli(['agent', 'init', '--out', out, '--force', '--json']);
  t.is(second.code, 0);
  t.not(JSON.parse(await readFile(out, 'utf8')).privacy.hashKeyHex, config.privacy.hashKeyHex);
});

test('agent --config rejects missing, malformed and invalid configs with coded errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-badcfg-'));
  const missing = await runCli(['agent', '--config', join(dir, 'nope.json'), '--json']);
  t.is(JSON.parse(missing.stdout).error.code, 'FC_ERR_FILE_NOT_FOUND');
  t.is(missing.code, 66);
  await writeFile(join(dir, 'bad.json'), '{"deviceId": ');
  const malformed = await runCli(['agent', '--config', join(dir, 'bad.json'), '--json']);
  t.is(JSON.parse(malformed.stdout).error.code, 'FC_ERR_MALFORMED_JSON');
  await writeFile(join(dir, 'invalid.json'), JSON.stringify({ deviceId: 'a/b', dataDir: 'd', pos: { users: [] }, privacy: { hashKeyHex: 'zz' } }));
  const invalid = await runCli(['agent', '--config', join(dir, 'invalid.json'), '--json']);
  t.is(invalid.code, 78);
  const error = JSON.parse(invalid.stdout).error;
  t.is(error.code, 'FC_ERR_INVALID_CONFIG');
  t.deepEqual(error.details.path, ['deviceId']);
  const usage = await runCli(['agent', '--json']);
  t.is(JSON.parse(usage.stdout).error.code, 'FC_ERR_USAGE');
});

test('an initialised config runs and SIGTERM exits 0 (start-to-serving time is measured in bench/score)', async (t) => {
  const { root, modelDir } = await makeModelDir('gbdt');
  const out = join(root, 'agent.json');
  t.is((await runCli(['agent', 'init', '--out', out, '--pos-port', '0'])).code, 0);
  const config = JSON.parse(await readFile(out, 'utf8'));
  await writeFile(out, JSON.stringify({ ...config, modelDir }));
  const agent = await startAgentProcess(out);
  t.true(agent.posPort > 0);
  t.log(`start to serving ${agent.startMs} ms (machine load varies; the idle figure is in docs/benchmarks/score.md)`);
  t.is(await agent.stop(), 0, agent.stderr().slice(-2_000));
});
