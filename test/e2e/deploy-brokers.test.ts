import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { makeBundleSet, tempDir } from '../cloud-controller/helpers.js';
import { api, operatorWithProductionModel, prepareAgent, servingModel, spawnJson, startAgentProcess, type AgentProcess } from './e2e-helpers.js';
import { freePort, killMosquitto, startMosquitto } from '../cloud-controller/broker/mosquitto-process.js';
import { eventually } from '../cloud-controller/broker/mqtt-helpers.js';

/**
 * Issue #6 acceptance, end to end with real processes: `fleetcast controller` (embedded aedes,
 * or an external Mosquitto configured by `fleetcast broker mosquitto-config`) deploys a signed
 * bundle to three `fleetcast agent` child processes; two are online at deploy time, the third
 * starts afterwards and catches up from its birth. "Serving" is read where a POS reads it: the
 * retained `pos/v1/status` on each agent's own store broker.
 */

async function deployToThreeAgents(t: ExecutionContext, kind: 'aedes' | 'mosquitto'): Promise<void> {
  const set = await makeBundleSet('demand', 1);
  const cwd = tempDir('fc-e2e-');
  const dataDir = join(cwd, '.fleetcast', 'controller');
  let controllerArgs = ['controller', '--json'];
  const env: NodeJS.ProcessEnv = kind === 'aedes' ? { FLEETCAST_API_PORT: '0', FLEETCAST_BROKER_PORT: '0' } : { FLEETCAST_API_PORT: '0' };
  if (kind === 'mosquitto') {
    const port = await freePort();
    const written = await runCli(['broker', 'mosquitto-config', '--out', join(cwd, 'mosquitto'), '--data-dir', dataDir, '--port', String(port), ...(process.getuid?.() === 0 ? ['--run-as-user', 'root'] : []), '--json']);
    t.is(written.code, 0, written.stderr);
    const files = JSON.parse(written.stdout) as { config: string; passwordFile: string; pidFile: string };
    const mosquitto = await startMosquitto(files.config);
    t.teardown(() => killMosquitto(mosquitto));
    const configPath = join(cwd, 'controller.json');
    writeFileSync(configPath, JSON.stringify({ broker: { kind: 'mqtt', url: `mqtt://127.0.0.1:${port}`, mosquitto: { passwordFile: files.passwordFile, pidFile: files.pidFile } } }));
    controllerArgs = ['controller', '--config', configPath, '--json'];
  }
  const { child: controller, info } = await spawnJson<{ api: string; broker: string; brokerKind: string }>(controllerArgs, cwd, env);
  t.teardown(() => {
    if (controller.exitCode === null) controller.kill('SIGKILL');
  });
  t.is(info.brokerKind, kind === 'aedes' ? 'aedes' : 'mqtt', JSON.stringify(info));

  const token = await operatorWithProductionModel(t, cwd, info.api, set);

  const agents: AgentProcess[] = [];
  for (const deviceId of ['store-1', 'store-2', 'store-3']) {
    const enrolled = await api(info.api, token, 'POST', '/v1/devices', { id: deviceId, store: deviceId, region: 'eu-west', timezone: 'Europe/Berlin', profile: 'generic', tags: ['e2e'] });
    t.is(enrolled.status, 201);
    agents.push(await prepareAgent(t, cwd, deviceId, info.broker, enrolled.json.secret as string, set));
  }
  await Promise.all(agents.slice(0, 2).map((agent) => startAgentProcess(t, agent, cwd)));
  const online = (id: string) => async () => (await api(info.api, token, 'GET', `/v1/devices/${id}`)).json.online === true;
  t.true(await eventually(online('store-1'), 20_000), 'store-1 online');
  t.true(await eventually(online('store-2'), 20_000), 'store-2 online');

  const deployed = await api(info.api, token, 'POST', '/v1/deployments', { deploymentId: 'dep-e2e', model: 'demand', selector: 'tag:e2e' });
  t.is(deployed.status, 201);
  t.deepEqual(deployed.json.sent, ['store-1', 'store-2'], 'store-3 is offline: recorded, not sent');

  const statusOf = async (id: string): Promise<string | undefined> => {
    const devices = (await api(info.api, token, 'GET', '/v1/deployments/dep-e2e')).json.devices as Array<{ deviceId: string; status: string }>;
    return devices.find((device) => device.deviceId === id)?.status;
  };
  const expected = { name: 'demand', version: 1 };
  for (const agent of agents.slice(0, 2)) {
    t.true(await eventually(async () => (await statusOf(agent.deviceId)) === 'committed', 60_000), `${agent.deviceId} committed`);
    t.true(await eventually(async () => JSON.stringify(await servingModel(agent.posPort ?? 0, agent.posUser)) === JSON.stringify(expected), 20_000), `${agent.deviceId} serves demand@1`);
  }
  t.is(await statusOf('store-3'), 'pending');

  // The device that was offline during the command gets it when it returns (birth → re-send).
  await startAgentProcess(t, agents[2], cwd);
  t.true(await eventually(async () => (await statusOf('store-3')) === 'committed', 60_000), 'store-3 committed after returning');
  t.true(await eventually(async () => JSON.stringify(await servingModel(agents[2].posPort ?? 0, agents[2].posUser)) === JSON.stringify(expected), 20_000), 'store-3 serves demand@1');

  for (const agent of agents) agent.child?.kill('SIGKILL');
  controller.kill('SIGKILL');
}

test.serial('deploy through the embedded aedes broker to 3 real agents; an offline one catches up on return', (t) => deployToThreeAgents(t, 'aedes'));
test.serial('deploy through a real Mosquitto to 3 real agents; an offline one catches up on return', (t) => deployToThreeAgents(t, 'mosquitto'));
