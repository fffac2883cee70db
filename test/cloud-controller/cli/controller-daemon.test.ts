import test from 'ava';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeBundleSet, tempDir } from '../helpers.js';
import { api, spawnController } from '../controller-process.js';

test('`fleetcast controller` with no config but free ports: API and embedded broker up, a real device enrols, reports, gets a deployment, and is refused after revocation', async (t) => {
  const set = await makeBundleSet('demand', 1);
  const cwd = tempDir();
  const { child, info, logged } = await spawnController(cwd, { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0', FLEETCAST_LOG_LEVEL: 'info' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  t.regex(info.api, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.regex(info.broker, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
  t.is(info.brokerKind, 'aedes');
  t.is(info.dataDir, join(cwd, '.fleetcast/controller'));

  t.is((await api(info.api, null, 'GET', '/v1/models')).status, 401);
  const created = await runCli(['controller', 'token', 'create', '--role', 'operator', '--name', 'otto', '--json'], { cwd });
  t.is(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout) as { token: string };
  t.deepEqual((await api(info.api, token, 'GET', '/v1/models')).json, { models: [] });
  t.is((await fetch(`${info.api}/docs/json`)).status, 200);

  // The CLI pushes to the daemon's data dir beside it (WAL); promotion then goes over REST.
  const keyPath = join(tempDir(), 'signer.pem');
  writeFileSync(keyPath, set.key.publicKeyPem);
  t.is((await runCli(['registry', 'push', set.bundles[0].path, '--json'], { cwd, env: { FLEETCAST_TRUSTED_KEYS: keyPath } })).code, 0);
  t.is((await api(info.api, token, 'POST', '/v1/models/demand/versions/1/stage', { stage: 'Production' })).status, 200);

  const enrolled = await api(info.api, token, 'POST', '/v1/devices', { id: 'store-7', store: 's1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5', tags: ['pilot'] });
  t.is(enrolled.status, 201);
  const secret = enrolled.json.secret as string;
  const device: MqttClient = await connectAsync(info.broker, { clientId: 'store-7', username: 'store-7', password: secret, reconnectPeriod: 0, will: { topic: deviceTopic('store-7', 'state'), payload: Buffer.from(JSON.stringify({ ...envelope({ role: 'device', id: 'store-7' }), type: 'offline', online: false, reason: 'lost' })), qos: 1, retain: true } });
  t.teardown(() => device.endAsync(true));
  // The deploy command is awaited as the message event itself, not polled for (issue #9).
  const deployCommand = new Promise<Record<string, unknown>>((resolve) => device.on('message', (_topic, payload) => {
    const command = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (command.type === 'deploy') resolve(command);
  }));
  await device.subscribeAsync(deviceTopic('store-7', 'cmd'), { qos: 1 });
  const birth = {
    ...envelope({ role: 'device', id: 'store-7' }), type: 'birth', online: true, agentVersion: '0.1.0', hardwareProfile: 'pi5', activeModel: null, shadowModel: null,
    retainedModels: [], update: { state: 'idle', deploymentId: null }, health: { status: 'degraded', reasons: ['no_model'] }, startedAt: new Date().toISOString(),
  };
  await device.publishAsync(deviceTopic('store-7', 'state'), JSON.stringify(birth), { qos: 1, retain: true });
  // The controller logs 'birth reconciled' after it has stored the birth: wait for that line, then read once (issue #9).
  await logged('birth reconciled', { deviceId: 'store-7' });
  const online = (await api(info.api, token, 'GET', '/v1/devices/store-7')).json;
  t.is(online.online, true);
  t.is((online.reported as { agentVersion: string }).agentVersion, '0.1.0');

  const deployed = await api(info.api, token, 'POST', '/v1/deployments', { deploymentId: 'dep-1', model: 'demand', selector: 'tag:pilot' });
  t.is(deployed.status, 201);
  t.deepEqual(deployed.json.sent, ['store-7']);
  const command = await deployCommand;
  t.deepEqual(command.model, { name: 'demand', version: 1 });
  t.is((command.bundle as { sha256: string }).sha256, set.bundles[0].sha256);
  t.is(((await api(info.api, token, 'GET', '/v1/deployments/dep-1')).json.devices as Array<{ status: string }>)[0].status, 'sent');

  t.is((await api(info.api, token, 'POST', '/v1/devices/store-7/revoke')).status, 200);
  const refused = await connectAsync(info.broker, { clientId: 'store-7', username: 'store-7', password: secret, reconnectPeriod: 0, connectTimeout: 3000 }).then(
    async (client) => {
      await client.endAsync(true);
      return false;
    },
    () => true,
  );
  t.true(refused);

  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.is(code, 0);
});

test('an invalid config gives FC_ERR_INVALID_CONFIG and exit 78', async (t) => {
  const result = await runCli(['controller', '--json'], { cwd: tempDir(), env: { FLEETCAST_API_PORT: 'eighty' } });
  t.is(result.code, 78);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_INVALID_CONFIG');
});
