/**
 * Issue #9 finding 2 acceptance: traversal ids through every id-bearing field (deployment id,
 * model name and version, device id, run id, key prefix) over REST, the CLI and MQTT. Each is
 * refused with its code, and nothing outside the data dirs changes (a sentinel tree is hashed
 * before and after); the agent's model store survives too.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { trustedKeysFromPems } from '../../protocols/bundle/keys.js';
import { distRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { makeSigningKey, makeTestBundle } from '../helpers/bundle-fixtures.js';
import { call, errorCode, startTestApi } from '../cloud-controller/api/api-harness.js';
import { tempDir } from '../cloud-controller/helpers.js';
import { deployCommand, rollbackCommand } from '../edge-agent/update/helpers/commands.js';
import { openEngine } from '../edge-agent/update/helpers/engine.js';
import { FakeController } from '../edge-agent/update/helpers/fake-controller.js';

const TRAVERSALS = ['..', '.', '../outside', '.hidden', 'a\\..\\b', 'a\u0007b'];
const DATA_DIRS = ['controller', 'agent', 'packager'];

/** Every file and directory of `world` outside the data dirs, with a hash of each file's bytes. */
async function snapshot(world: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(world, path);
      if (DATA_DIRS.includes(rel.split(sep)[0])) continue;
      if (entry.isDirectory()) {
        entries[rel] = 'dir';
        await walk(path);
      } else entries[rel] = createHash('sha256').update(await readFile(path)).digest('hex');
    }
  };
  await walk(world);
  return entries;
}

/** A world with sentinels beside (and named like) what a traversal would hit. */
async function makeWorld(): Promise<string> {
  const world = tempDir('fc-traversal-');
  for (const dir of [...DATA_DIRS, 'outside/models/versions', 'keys', 'staging', 'runs']) await mkdir(join(world, dir), { recursive: true });
  for (const file of ['sentinel.txt', 'outside/models/versions/keep.txt', 'keys/keep.pem', 'runs/keep.json']) await writeFile(join(world, file), `sentinel ${file}`);
  return world;
}

test('REST: traversal ids in device, deployment and model fields are refused with their codes; nothing outside the data dir changes', async (t) => {
  const world = await makeWorld();
  const before = await snapshot(world);
  const api = await startTestApi(makeSigningKey(), { brokerHalf: true, dataDir: join(world, 'controller') });
  t.teardown(() => api.close());
  const device = { store: 's1', region: 'eu', timezone: 'Europe/Berlin', profile: 'rpi4' };
  const cases: Array<[string, string, string, unknown, number, string]> = [];
  for (const id of TRAVERSALS) {
    const inPath = encodeURIComponent(id).replace(/\./g, '%2E');
    // The router removes `.` and `..` segments (RFC 3986 §5.2.4) even when percent-encoded, so
    // no handler sees them: those requests match no route at all.
    const [pathStatus, pathCode] = id === '.' || id === '..' ? [404, 'FC_ERR_ROUTE_NOT_FOUND'] : [400, 'FC_ERR_INVALID_ID'];
    cases.push(
      ['device id (body)', 'POST', '/v1/devices', { id, ...device }, 400, 'FC_ERR_INVALID_ID'],
      ['device id (path)', 'POST', `/v1/devices/${inPath}/revoke`, undefined, pathStatus, pathCode],
      ['deployment id', 'POST', '/v1/deployments', { deploymentId: id, model: 'demand', selector: 'all' }, 400, 'FC_ERR_INVALID_ID'],
      ['model name (deploy)', 'POST', '/v1/deployments', { model: id, selector: 'all' }, 400, 'FC_ERR_INVALID_ID'],
      ['model name (path)', 'GET', `/v1/models/${inPath}/versions`, undefined, pathStatus, pathCode],
      ['model version (path)', 'POST', `/v1/models/demand/versions/${inPath}/stage`, { stage: 'Staging' }, pathStatus, pathStatus === 404 ? pathCode : 'FC_ERR_INVALID_REQUEST'],
    );
  }
  for (const [field, method, path, body, status, code] of cases) {
    const response = await call(api, method, path, api.tokens.admin, body);
    t.deepEqual([response.status, errorCode(response.json)], [status, code], `${field} ${method} ${path}`);
  }
  // Positive control: a well-formed request on the same routes is processed.
  t.is((await call(api, 'POST', '/v1/devices', api.tokens.admin, { id: 'store-ok', ...device })).status, 201);
  t.deepEqual(await snapshot(world), before);
});

test('CLI: traversal run ids, key prefixes and device ids are refused with their codes; nothing outside the data dir changes', async (t) => {
  const world = await makeWorld();
  const before = await snapshot(world);
  const runsDb = join(world, 'packager', 'runs.db');
  const controllerDir = join(world, 'controller');
  // Positive control first: a valid key prefix writes inside the packager data dir (and gives
  // `package` a real key, so it gets as far as the run id).
  t.is((await runCli(['keys', 'generate', '--out', join(world, 'packager', 'signer'), '--json'])).code, 0);
  const cases: Array<[string, string[], string]> = [
    // Concatenated, not joined: join() would normalise `keys/..` away before the CLI sees it.
    ['key prefix ..', ['keys', 'generate', '--out', `${world}/keys/..`], 'FC_ERR_INVALID_ID'],
    ['key prefix .hidden', ['keys', 'generate', '--out', join(world, 'keys', '.hidden')], 'FC_ERR_INVALID_ID'],
    ['run id (runs show)', ['runs', 'show', '../runs', '--runs-db', runsDb], 'FC_ERR_INVALID_ID'],
    ['run id (package)', ['package', '--run', '..', '--runs-db', runsDb, '--key', join(world, 'packager', 'signer.key.pem'), '--out', join(world, 'packager', 'x.fcb')], 'FC_ERR_INVALID_ID'],
    ['device id (devices add)', ['devices', 'add', '--id', '..', '--store', 's1', '--region', 'eu', '--timezone', 'Europe/Berlin', '--profile', 'rpi4', '--data-dir', controllerDir], 'FC_ERR_INVALID_ID'],
  ];
  for (const [field, args, code] of cases) {
    const result = await runCli([...args, '--json']);
    t.is((JSON.parse(result.stdout || '{}') as { error?: { code?: string } }).error?.code, code, `${field}: ${result.stdout}${result.stderr}`);
  }
  t.deepEqual(await snapshot(world), before);
});

test('MQTT: deploy and rollback commands with traversal deployment ids or model names are refused; the model store and the world survive', async (t) => {
  const world = await makeWorld();
  const dataDir = join(world, 'agent');
  const key = makeSigningKey();
  const v1 = await makeTestBundle({ dir: join(world, 'agent'), name: 'demand', version: 1, key });
  const seed = await openEngine(dataDir, trustedKeysFromPems([key.publicKeyPem]));
  await seed.manager.install(v1.path);
  seed.close();
  const controller = await FakeController.start();
  t.teardown(() => controller.stop());
  const configPath = join(dataDir, 'agent.json');
  await writeFile(configPath, JSON.stringify({
    deviceId: 'store-t', dataDir, trustedKeys: { [key.keyId]: key.publicKeyPem },
    uplink: { url: controller.url, password: 'device-secret-1' },
    pos: { port: 0, users: [{ username: 'pos', password: 'pos-secret-1' }] }, privacy: { hashKeyHex: 'ab'.repeat(32) }, logLevel: 'silent',
  }));
  const before = await snapshot(world);
  const versionsBefore = await readdir(join(dataDir, 'models', 'versions'));

  const observer = await mqtt.connectAsync(controller.url, { clientId: `observer-${randomUUID()}`, protocolVersion: 4 });
  t.teardown(() => observer.endAsync(true));
  const results = new Map<string, { ok: boolean; errorCode?: string }>();
  let expected = Number.POSITIVE_INFINITY;
  let allAnswered: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (allAnswered = resolve));
  observer.on('message', (_topic, payload) => {
    const event = JSON.parse(payload.toString('utf8')) as { type: string; commandId: string; ok: boolean; errorCode?: string };
    if (event.type === 'command-result') results.set(event.commandId, event);
    if (results.size >= expected) allAnswered();
  });
  await observer.subscribeAsync('fc/v1/d/store-t/evt', { qos: 1 });

  const agent = spawn(process.execPath, [join(distRoot, 'test', 'edge-agent', 'update', 'helpers', 'agent-with-updates.js'), configPath], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => agent.once('exit', () => resolve()));
  t.teardown(async () => {
    agent.kill('SIGTERM');
    await exited;
  });
  await new Promise<void>((resolve) => createInterface({ input: agent.stdout }).on('line', (line) => line.includes('"ready"') && resolve()));
  await controller.waitForDeviceSubscription('store-t');

  const bytes = Buffer.from('never downloaded');
  const commands = TRAVERSALS.flatMap((id) => [
    deployCommand(id, { name: 'demand', version: 2 }, bytes),
    deployCommand(`dep-${randomUUID()}`, { name: id, version: 2 }, bytes),
    rollbackCommand(id),
  ]);
  for (const command of commands) await controller.send('store-t', command);
  // Positive control, sent last: a ping is answered, so every earlier command was handled.
  const ping = { v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'controller', id: 'controller' }, type: 'ping' };
  expected = commands.length + 1;
  await controller.send('store-t', ping);
  await answered;
  for (const command of commands) t.like(results.get(command.id), { ok: false, errorCode: 'FC_ERR_INVALID_ID' }, JSON.stringify(command));
  t.like(results.get(ping.id), { ok: true });

  t.deepEqual(await readdir(join(dataDir, 'models', 'versions')), versionsBefore, 'the model store is intact');
  t.deepEqual(await snapshot(world), before);
});
