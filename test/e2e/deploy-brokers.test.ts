import test, { type ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { runCli } from '../helpers/run-cli.js';
import { spawnJson } from '../helpers/spawn-json.js';
import { makeBundleSet, tempDir, type BundleSet } from '../cloud-controller/helpers.js';
import { freePort, killMosquitto, startMosquitto } from '../cloud-controller/broker/mosquitto-process.js';
import { eventually } from '../cloud-controller/broker/mqtt-helpers.js';

/**
 * Issue #6 acceptance, end to end with real processes: `fleetcast controller` (embedded aedes,
 * or an external Mosquitto configured by `fleetcast broker mosquitto-config`) deploys a signed
 * bundle to three `fleetcast agent` child processes; two are online at deploy time, the third
 * starts afterwards and catches up from its birth. "Serving" is read where a POS reads it: the
 * retained `pos/v1/status` on each agent's own store broker.
 */

async function api(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The model an agent's POS status says it serves (null while none). */
async function servingModel(posPort: number, user: { username: string; password: string }): Promise<{ name: string; version: number } | null> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${posPort}`, { clientId: `pos-probe-${Math.random().toString(16).slice(2)}`, username: user.username, password: user.password, reconnectPeriod: 0, connectTimeout: 3_000 });
  try {
    const status = new Promise<{ servingModel: { name: string; version: number } | null }>((resolve) => client.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString('utf8')) as { servingModel: { name: string; version: number } | null })));
    await client.subscribeAsync('pos/v1/status', { qos: 0 });
    const message = await Promise.race([status, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000))]);
    return message?.servingModel ?? null;
  } finally {
    await client.endAsync(true);
  }
}

interface AgentProcess {
  deviceId: string;
  child?: ChildProcess;
  posPort?: number;
  configPath: string;
  posUser: { username: string; password: string };
}

async function prepareAgent(t: ExecutionContext, root: string, deviceId: string, uplink: string, secret: string, set: BundleSet, caFile?: string): Promise<AgentProcess> {
  const configPath = join(root, `${deviceId}.json`);
  const init = await runCli(['agent', 'init', '--out', configPath, '--device-id', deviceId, '--uplink', uplink, '--uplink-password', secret, '--pos-port', '0', '--data-dir', `${deviceId}-data`, '--json']);
  t.is(init.code, 0, init.stderr);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { trustedKeys: Record<string, string>; schedules: Record<string, number>; uplink: Record<string, unknown>; pos: { users: Array<{ username: string; password: string }> } };
  config.trustedKeys = { [set.key.keyId]: set.key.publicKeyPem };
  config.schedules = { ...config.schedules, flushIntervalSec: 1 };
  config.uplink = { ...config.uplink, reconnect: { minMs: 100, maxMs: 500, jitter: 0 }, ...(caFile ? { caFile } : {}) };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { deviceId, configPath, posUser: config.pos.users[0] };
}

async function startAgentProcess(t: ExecutionContext, agent: AgentProcess, cwd: string): Promise<void> {
  const { child, info } = await spawnJson<{ event: string; posPort: number }>(['agent', '--config', agent.configPath], cwd);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  t.is(info.event, 'ready');
  agent.child = child;
  agent.posPort = info.posPort;
}

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

  const created = await runCli(['controller', 'token', 'create', '--role', 'operator', '--name', 'e2e', '--json'], { cwd });
  t.is(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const keyPath = join(cwd, 'signer.pub.pem');
  writeFileSync(keyPath, set.key.publicKeyPem);
  t.is((await runCli(['registry', 'push', set.bundles[0].path, '--json'], { cwd, env: { FLEETCAST_TRUSTED_KEYS: keyPath } })).code, 0);
  t.is((await api(info.api, token, 'POST', '/v1/models/demand/versions/1/stage', { stage: 'Production' })).status, 200);

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
