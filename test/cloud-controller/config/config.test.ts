import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadControllerConfig } from '../../../cloud-controller/config/load.js';
import { codeOf, tempDir } from '../helpers.js';

/** The embedded broker's limits when the config names none (issue #9). */
const DEFAULT_LIMITS = { maxPacketBytes: 262_144, maxConnections: 1024, connectTimeoutMs: 10_000, maxFailedLogins: 10, failedLoginWindowMs: 60_000 };

test('no config at all gives the embedded defaults', (t) => {
  const config = loadControllerConfig({ env: {} });
  t.is(config.dataDir, resolve('.fleetcast/controller'));
  t.deepEqual(config.api, { host: '127.0.0.1', port: 8780, bodyLimitBytes: 8 * 1024 * 1024 });
  t.false(config.registry.requireProductionApproval);
  t.deepEqual(config.batch, []);
  t.deepEqual(config.broker, { kind: 'aedes', host: '127.0.0.1', port: 1883, limits: DEFAULT_LIMITS });
});

test('file < environment < flags; file paths are relative to the file', (t) => {
  const dir = tempDir();
  const file = join(dir, 'controller.json');
  writeFileSync(file, JSON.stringify({
    dataDir: 'data',
    api: { port: 9000 },
    trustedKeys: ['keys/signer.pem'],
    batch: [{ name: 'nightly', cron: '0 2 * * *', model: 'demand@champion', input: 'in.csv', output: 'out-{date}.csv' }],
  }));
  const fromFile = loadControllerConfig({ configPath: file, env: {} });
  t.is(fromFile.dataDir, join(dir, 'data'));
  t.is(fromFile.api.port, 9000);
  t.deepEqual(fromFile.trustedKeys, [join(dir, 'keys/signer.pem')]);
  t.is(fromFile.batch[0].input, join(dir, 'in.csv'));
  const fromEnv = loadControllerConfig({ configPath: file, env: { FLEETCAST_API_PORT: '9100', FLEETCAST_REQUIRE_PRODUCTION_APPROVAL: 'true', FLEETCAST_DATA_DIR: '/srv/fc' } });
  t.is(fromEnv.api.port, 9100);
  t.true(fromEnv.registry.requireProductionApproval);
  t.is(fromEnv.dataDir, '/srv/fc');
  t.is(loadControllerConfig({ configPath: file, dataDir: '/flag/dir', env: { FLEETCAST_DATA_DIR: '/srv/fc' } }).dataDir, '/flag/dir');
});

test('invalid configuration is FC_ERR_INVALID_CONFIG; a missing file is FC_ERR_FILE_NOT_FOUND', (t) => {
  const dir = tempDir();
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ api: { port: 70000 } }));
  t.is(codeOf(() => loadControllerConfig({ configPath: file, env: {} })), 'FC_ERR_INVALID_CONFIG');
  writeFileSync(file, '{ not json');
  t.is(codeOf(() => loadControllerConfig({ configPath: file, env: {} })), 'FC_ERR_INVALID_CONFIG');
  t.is(codeOf(() => loadControllerConfig({ env: { FLEETCAST_REQUIRE_PRODUCTION_APPROVAL: 'maybe' } })), 'FC_ERR_INVALID_CONFIG');
  t.is(codeOf(() => loadControllerConfig({ configPath: join(dir, 'missing.json'), env: {} })), 'FC_ERR_FILE_NOT_FOUND');
});

test('broker section: external MQTT paths resolve against the file; AWS IoT needs a region; broker env applies to aedes only', (t) => {
  const dir = tempDir();
  const file = join(dir, 'controller.json');
  writeFileSync(file, JSON.stringify({ broker: { kind: 'mqtt', url: 'mqtts://broker.example:8883', caFile: 'ca.pem', mosquitto: { passwordFile: 'passwd', pidFile: 'm.pid' } } }));
  t.deepEqual(loadControllerConfig({ configPath: file, env: {} }).broker, {
    kind: 'mqtt', url: 'mqtts://broker.example:8883', caFile: join(dir, 'ca.pem'), mosquitto: { passwordFile: join(dir, 'passwd'), pidFile: join(dir, 'm.pid') },
  });
  t.is(codeOf(() => loadControllerConfig({ configPath: file, env: { FLEETCAST_BROKER_PORT: '0' } })), 'FC_ERR_INVALID_CONFIG');
  writeFileSync(file, JSON.stringify({ broker: { kind: 'aws-iot', region: 'eu-west-1' } }));
  t.deepEqual(loadControllerConfig({ configPath: file, env: {} }).broker, { kind: 'aws-iot', region: 'eu-west-1' });
  writeFileSync(file, JSON.stringify({ broker: { kind: 'aws-iot', region: 'moon' } }));
  t.is(codeOf(() => loadControllerConfig({ configPath: file, env: {} })), 'FC_ERR_INVALID_CONFIG');
  t.deepEqual(loadControllerConfig({ env: { FLEETCAST_BROKER_PORT: '0', FLEETCAST_BROKER_HOST: '0.0.0.0' } }).broker, { kind: 'aedes', host: '0.0.0.0', port: 0, limits: DEFAULT_LIMITS });
});
