import test, { type ExecutionContext } from 'ava';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { spawnJson } from '../helpers/spawn-json.js';
import { tempDir } from '../cloud-controller/helpers.js';
import { eventually } from '../cloud-controller/broker/mqtt-helpers.js';
import { PosClient } from '../../cli/demo/pos-client.js';
import { readDemoSales, type DemoSales } from '../../cli/demo/demo-sales.js';

/**
 * Issue #11 acceptance, through the real CLI only: a controller with its embedded broker, agents
 * from `agent init --trust … --controller-key …`, train → package → push → promote → `deploy
 * --wait`, v2 the same way, `rollback`, and what `status`, `devices show`, `GET /v1/devices`
 * and the registry history say about it; a replayed v1 command is refused; a store enrolled
 * without the signing key heals after `keys trust` without a new deployment. One fixture
 * (data, runs, bundles, controller, three agents) is shared by the tests, which run in order.
 */

interface Agent {
  deviceId: string;
  child: ChildProcess;
  posUser: { username: string; password: string };
  posPort: number;
}

interface Fixture {
  dir: string;
  config: string;
  sales: DemoSales;
  agents: Map<string, Agent>;
  bundles: { v1: string; v2: string; foreign: string };
  brokerUrl: string;
  dataDir: string;
}

const children: ChildProcess[] = [];
let fixture: Fixture;

/** Runs `fleetcast …args --json` in the fixture folder and parses stdout. */
async function cli<T>(args: string[], cwd = fixture.dir): Promise<{ result: CliResult; json: T }> {
  const result = await runCli([...args, '--json'], { cwd });
  let json: T;
  try {
    json = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`fleetcast ${args.join(' ')} printed no JSON (exit ${result.code}): ${result.stdout}${result.stderr}`);
  }
  return { result, json };
}

/** The same with the controller's `--config`. */
function ctl<T>(args: string[]): Promise<{ result: CliResult; json: T }> {
  return cli<T>([...args, '--config', fixture.config]);
}

async function ok<T>(t: ExecutionContext, args: string[], controller = true): Promise<T> {
  const { result, json } = controller ? await ctl<T>(args) : await cli<T>(args);
  t.is(result.code, 0, `fleetcast ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return json;
}

/** A real POS request on the store LAN; the reply names the model that answered. */
async function servedBy(agent: Agent): Promise<{ name: string; version: number } | null> {
  const pos = await PosClient.connect(agent.posPort, agent.posUser.username, agent.posUser.password);
  try {
    const reply = await pos.score([{ store: fixture.sales.stores[0], item: fixture.sales.items[0], date: fixture.sales.lastDate }]);
    return reply.type === 'score-result' ? reply.model : null;
  } finally {
    await pos.close();
  }
}

/** `GET <path>` with the local daemon's token (the same file the CLI uses). */
async function rest<T>(path: string): Promise<T> {
  const endpoint = JSON.parse(readFileSync(join(fixture.dataDir, 'run', 'api.json'), 'utf8')) as { url: string; token: string };
  const response = await fetch(`${endpoint.url}${path}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
  return (await response.json()) as T;
}

interface DeviceJson {
  id: string;
  reported: { activeModel: { name: string; version: number } | null; updateState: string | null; health: { status: string } | null };
}

/**
 * Within 2 s of a deployment finishing, the inventory names the version each store serves,
 * committed and healthy: timed on `GET /v1/devices/{id}` (a CLI process start would be most
 * of the budget on a loaded machine), then `GET /v1/devices`, `devices list` and `devices show`
 * read the same rows once each.
 */
async function inventoryShows(t: ExecutionContext, deviceIds: string[], version: number): Promise<void> {
  const expected = { name: 'demand', version };
  for (const id of deviceIds) {
    const shown = await eventually(async () => {
      const device = await rest<DeviceJson>(`/v1/devices/${id}`);
      return device.reported.activeModel?.version === version && device.reported.updateState === 'committed' && device.reported.health?.status === 'healthy';
    }, 2_000, 50);
    t.true(shown, `GET /v1/devices/${id} says demand@${version}, committed, healthy within 2 s`);
  }
  const listed = (await ctl<{ devices: DeviceJson[] }>(['devices', 'list'])).json.devices;
  const viaRest = (await rest<{ devices: DeviceJson[] }>('/v1/devices')).devices;
  for (const id of deviceIds) {
    t.deepEqual(listed.find((device) => device.id === id)?.reported.activeModel, expected, `devices list ${id}`);
    t.deepEqual(viaRest.find((device) => device.id === id)?.reported.activeModel, expected, `GET /v1/devices ${id}`);
  }
  t.deepEqual((await ctl<DeviceJson>(['devices', 'show', deviceIds[0]])).json.reported.activeModel, expected, `devices show ${deviceIds[0]}`);
}

async function train(t: ExecutionContext, seed: number): Promise<string> {
  const trained = await ok<{ runId: string }>(t, ['train', '--data', 'sales.csv', '--model', 'linear', '--seed', String(seed), '--runs-db', 'runs.db'], false);
  return trained.runId;
}

test.before(async (t) => {
  const dir = tempDir('fc-operator-');
  const config = join(dir, 'controller.json');
  const dataDir = join(dir, 'ctl');
  fixture = { dir, config, dataDir, sales: undefined as unknown as DemoSales, agents: new Map(), bundles: { v1: '', v2: '', foreign: '' }, brokerUrl: '' };
  const ex = t as unknown as ExecutionContext;
  mkdirSync(join(dir, 'keys'));
  await Promise.all(['signer', 'stranger'].map((name) => ok(ex, ['keys', 'generate', '--out', `keys/${name}`], false)));

  // The model side (data, two training runs, three bundles) and the fleet side (controller,
  // enrolments, agents) are independent until the first push, so they start side by side.
  const modelSide = async (): Promise<void> => {
    await ok(ex, ['data', 'generate', '--stores', '2', '--items', '2', '--days', '150', '--seed', '5', '--out', 'sales.csv'], false);
    fixture.sales = await readDemoSales(join(dir, 'sales.csv'));
    // One tracked run packaged as v1 and v2 (a second training run would only cost time), and as a
    // v3 signed by a key nobody trusts.
    const run = await train(ex, 1);
    await Promise.all(([[1, 'signer', 'v1'], [2, 'signer', 'v2'], [3, 'stranger', 'foreign']] as const).map(async ([version, key, out]) => {
      await ok(ex, ['package', '--run', run, '--runs-db', 'runs.db', '--key', `keys/${key}.key.pem`, '--out', `demand-${out}.fcb`, '--name', 'demand', '--version', String(version)], false);
      fixture.bundles[out] = `demand-${out}.fcb`;
    }));
  };

  const fleetSide = async (): Promise<void> => {
    writeFileSync(config, JSON.stringify({ dataDir: 'ctl', api: { port: 0 }, broker: { kind: 'aedes', port: 0 }, trustedKeys: ['keys/signer.pub.pem'] }));
    const controller = await spawnJson<{ broker: string }>(['controller', '--config', config, '--json'], dir);
    children.push(controller.child);
    fixture.brokerUrl = controller.info.broker;
    await ok(ex, ['controller', 'key', '--out', 'controller.pub.pem']);
    // store-a and store-b are on-boarded with the signing key; store-c only with the controller's key.
    const stores = [['store-a', 'pilot', true], ['store-b', 'pilot', true], ['store-c', 'new', false]] as const;
    await Promise.all(stores.map(async ([deviceId, tag, trusted]) => {
      const enrolled = await ok<{ secret: string }>(ex, ['devices', 'add', '--id', deviceId, '--store', deviceId, '--region', 'eu', '--timezone', 'Europe/Berlin', '--profile', 'generic', '--tags', tag]);
      const agentConfig = `${deviceId}.json`;
      await ok(ex, ['agent', 'init', '--out', agentConfig, '--device-id', deviceId, '--uplink', controller.info.broker, '--uplink-password', enrolled.secret, '--pos-port', '0',
        '--data-dir', `${deviceId}-data`, ...(trusted ? ['--trust', 'keys/signer.pub.pem'] : []), '--controller-key', 'controller.pub.pem'], false);
      const written = JSON.parse(readFileSync(join(dir, agentConfig), 'utf8')) as { pos: { users: Array<{ username: string; password: string }> } };
      const started = await spawnJson<{ posPort: number }>(['agent', '--config', agentConfig], dir);
      children.push(started.child);
      fixture.agents.set(deviceId, { deviceId, child: started.child, posUser: written.pos.users[0], posPort: started.info.posPort });
    }));
    const online = await eventually(async () => (await rest<{ online: number }>('/v1/fleet/status')).online === 3, 20_000, 100);
    if (!online) throw new Error('agents did not come online');
  };
  await Promise.all([modelSide(), fleetSide()]);
});

test.after.always(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

test.serial('deploy v1 and v2 with --wait, a replayed v1 command is refused, rollback returns every store to v1 and the registry history says so', async (t) => {
  const pilot = ['store-a', 'store-b'];
  const identity = JSON.parse(readFileSync(join(fixture.dataDir, 'broker', 'controller-identity.json'), 'utf8')) as { username: string; password: string };
  // A listener with the controller's broker credentials captures what goes to store-a.
  const spy = await mqtt.connectAsync(fixture.brokerUrl, { clientId: 'e2e-replay', username: identity.username, password: identity.password, reconnectPeriod: 0 });
  t.teardown(() => spy.end(true));
  const commands: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  spy.on('message', (topic, payload) => (topic.endsWith('/cmd') ? commands : events).push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>));
  await spy.subscribeAsync(['fc/v1/d/store-a/cmd', 'fc/v1/d/store-a/evt'], { qos: 1 });

  await ok(t, ['registry', 'push', fixture.bundles.v1]);
  await ok(t, ['registry', 'promote', 'demand', '1', '--stage', 'Production']);
  const v1 = await ok<{ complete: boolean; devices: Array<{ status: string }> }>(t, ['deploy', 'demand', '--target', 'tag:pilot', '--wait']);
  t.true(v1.complete);
  t.deepEqual(v1.devices.map((device) => device.status), ['committed', 'committed']);
  await inventoryShows(t, pilot, 1);

  await ok(t, ['registry', 'push', fixture.bundles.v2]);
  await ok(t, ['registry', 'promote', 'demand', '2', '--stage', 'Production']);
  t.true((await ok<{ complete: boolean }>(t, ['deploy', 'demand@Production', '--target', 'tag:pilot', '--wait'])).complete);
  await inventoryShows(t, pilot, 2);
  for (const id of pilot) t.deepEqual(await servedBy(fixture.agents.get(id) as Agent), { name: 'demand', version: 2 });

  // Replay: the captured v1 command as it was (the agent answers from its history), then the
  // same command under a fresh deployment id — without an authorization it is a downgrade.
  const captured = commands.find((command) => command.type === 'deploy' && (command.model as { version: number }).version === 1);
  t.truthy(captured, 'the v1 deploy command was seen on the broker');
  t.is(captured?.downgradeAuthorization, undefined);
  const seenBefore = events.length;
  await spy.publishAsync('fc/v1/d/store-a/cmd', JSON.stringify(captured), { qos: 1 });
  await spy.publishAsync('fc/v1/d/store-a/cmd', JSON.stringify({ ...captured, id: 'replay-1', deploymentId: 'replay-v1' }), { qos: 1 });
  t.true(await eventually(async () => events.some((event) => event.deploymentId === 'replay-v1' && event.to === 'failed'), 20_000), 'replay reported failed');
  const refused = events.find((event) => event.deploymentId === 'replay-v1' && event.to === 'failed');
  t.is(refused?.errorCode, 'FC_ERR_BUNDLE_DOWNGRADE');
  t.false(events.slice(seenBefore).some((event) => event.deploymentId === captured?.deploymentId), 'the verbatim replay ran nothing');
  t.deepEqual(await servedBy(fixture.agents.get('store-a') as Agent), { name: 'demand', version: 2 }, 'store-a keeps serving v2');

  const rolledBack = await ok<{ complete: boolean; from: number; to: number }>(t, ['rollback', 'demand', '--reason', 'v2 over-forecasts']);
  t.like(rolledBack, { complete: true, from: 2, to: 1 });
  const rollbackCommand = commands.find((command) => command.type === 'deploy' && (command.model as { version: number }).version === 1 && command.downgradeAuthorization);
  t.truthy(rollbackCommand, 'the rollback carried a controller-signed downgrade authorization');
  for (const id of pilot) t.deepEqual(await servedBy(fixture.agents.get(id) as Agent), { name: 'demand', version: 1 }, `${id} serves v1 on a POS request`);
  await inventoryShows(t, pilot, 1);
  t.deepEqual((await ctl<DeviceJson>(['devices', 'show', 'store-b'])).json.reported.activeModel, { name: 'demand', version: 1 }, 'devices show store-b');
  const status = await ok<{ ok: boolean; devices: Array<{ deviceId: string; serving: { version: number } | null; updateState: string }> }>(t, ['status']);
  for (const id of pilot) t.like(status.devices.find((device) => device.deviceId === id), { serving: { version: 1 }, updateState: 'committed' });
  const history = await ok<{ history: Array<{ kind: string; version: number; from: string; to: string; actor: string; reason: string }> }>(t, ['registry', 'history', 'demand']);
  t.like(history.history.at(-1), { kind: 'rollback', version: 1, from: 'v2', to: 'v1', reason: 'v2 over-forecasts' });
  t.regex(history.history.at(-1)?.actor ?? '', /^cli:/);
});

test.serial('a store enrolled without the signing key fails its first deployment and completes the same one after keys trust', async (t) => {
  const foreign = await ctl<{ error: { code: string; message: string } }>(['registry', 'push', fixture.bundles.foreign]);
  t.is(foreign.json.error.code, 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER');
  t.true(foreign.json.error.message.includes('fleetcast keys trust'), 'the error names the command that trusts the key');

  const first = await ctl<{ deploymentId: string; complete: boolean; devices: Array<{ status: string; errorCode: string | null }> }>(['deploy', 'demand@1', '--target', 'tag:new', '--wait']);
  t.is(first.result.code, 75, 'deploy --wait exits non-zero when a device failed');
  t.like(first.json.devices[0], { status: 'failed', errorCode: 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER' });
  const failing = await ctl<{ ok: boolean }>(['status']);
  t.is(failing.result.code, 75, 'status exits non-zero while a device is failed');
  t.false(failing.json.ok);
  const before = (await ok<{ deployments: unknown[] }>(t, ['deployments', 'list'])).deployments.length;

  const trusted = await ok<{ sentTo: string[] }>(t, ['keys', 'trust', 'keys/signer.pub.pem']);
  t.true(trusted.sentTo.includes('store-c'));
  const healed = await eventually(async () => (await ctl<{ devices: Array<{ status: string }> }>(['deployments', 'show', first.json.deploymentId])).json.devices[0]?.status === 'committed', 30_000, 200);
  t.true(healed, 'the same deployment committed');
  t.is((await ok<{ deployments: unknown[] }>(t, ['deployments', 'list'])).deployments.length, before, 'no new deployment was created');
  t.deepEqual(await servedBy(fixture.agents.get('store-c') as Agent), { name: 'demand', version: 1 });
  t.true((await ok<{ ok: boolean }>(t, ['status'])).ok);
});
