import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { posStatusSchema } from '../../../protocols/messages/pos/status.js';
import { posTopics } from '../../../protocols/topics.js';
import type { ModelRef } from '../../../protocols/envelope.js';
import { TEST_HOLD_ENV, testHoldMarker } from '../../../edge-agent/update/test-hold.js';
import { distRoot } from '../../helpers/paths.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { deployCommand } from './helpers/commands.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { FakeController } from './helpers/fake-controller.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

const AGENT_SCRIPT = join(distRoot, 'test', 'edge-agent', 'update', 'helpers', 'agent-with-updates.js');
const POS_USER = { username: 'pos', password: 'pos-secret-1' };

/** Spawns the daemon (with the update engine); resolves on its ready line, or on `waitFor` on stderr. */
function spawnAgent(configPath: string, env: NodeJS.ProcessEnv = {}, waitFor?: string) {
  const child = spawn(process.execPath, [AGENT_SCRIPT, configPath, '4096'], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent not ready: ${stderr}`)), 30_000);
    void exited.then(() => reject(new Error(`agent exited: ${stderr}`)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (waitFor && stderr.includes(waitFor)) resolve(0);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"ready"')) return;
      clearTimeout(timer);
      if (!waitFor) resolve((JSON.parse(line) as { posPort: number }).posPort);
    });
  });
  return { child, ready, exited };
}

async function writeConfig(dir: string, dataDir: string, keyId: string, publicKeyPem: string, uplinkUrl?: string): Promise<string> {
  const path = join(dir, 'agent.json');
  await writeFile(path, JSON.stringify({
    deviceId: 'store-offline',
    dataDir,
    trustedKeys: { [keyId]: publicKeyPem },
    ...(uplinkUrl ? { uplink: { url: uplinkUrl, password: 'device-secret-1' } } : {}),
    pos: { port: 0, users: [POS_USER] },
    privacy: { hashKeyHex: 'ab'.repeat(32) },
    logLevel: 'silent',
  }));
  return path;
}

test('an offline install beside the running daemon is picked up: the POS status names the new serving model', async (t) => {
  const dir = await tempDataDir('fc-daemon-install-');
  const dataDir = join(dir, 'data');
  const key = makeSigningKey();
  const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  const seed = await openEngine(dataDir, trustedKeysFromPems([key.publicKeyPem]));
  await seed.manager.install(v1.path);
  seed.close();
  const configPath = await writeConfig(dir, dataDir, key.keyId, key.publicKeyPem);

  const agent = spawnAgent(configPath);
  t.teardown(async () => {
    agent.child.kill('SIGTERM');
    await agent.exited;
  });
  const posPort = await agent.ready;
  const pos = await mqtt.connectAsync(`mqtt://127.0.0.1:${posPort}`, { ...POS_USER, protocolVersion: 4 });
  t.teardown(() => pos.endAsync(true));
  const serving: Array<ModelRef | null> = [];
  const waiters: Array<{ version: number; resolve(): void }> = [];
  pos.on('message', (_topic, payload) => {
    const status = posStatusSchema.parse(JSON.parse(payload.toString('utf8')));
    serving.push(status.servingModel);
    for (const waiter of waiters) if (status.servingModel?.version === waiter.version) waiter.resolve();
  });
  const servingVersion = (version: number): Promise<void> =>
    serving.some((ref) => ref?.version === version)
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`never served v${version}: ${JSON.stringify(serving)}`)), 15_000);
          waiters.push({ version, resolve: () => (clearTimeout(timer), resolve()) });
        });
  await pos.subscribeAsync(posTopics.status, { qos: 1 });
  await servingVersion(1);

  const installed = await runCli(['agent', 'install', v2.path, '--config', configPath, '--json']);
  t.is(installed.code, 0, installed.stdout + installed.stderr);
  await servingVersion(2);
  t.deepEqual(serving[serving.length - 1], { name: 'demand', version: 2 });
});

test('install while the daemon runs a deployment is refused with FC_ERR_UPDATE_BUSY; after the daemon dies it proceeds', async (t) => {
  const dir = await tempDataDir('fc-daemon-busy-');
  const dataDir = join(dir, 'data');
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  const v3 = await makeTestBundle({ dir, name: 'demand', version: 3, key });
  const seed = await openEngine(dataDir, trusted);
  await seed.manager.install(v1.path);
  seed.close();
  const controller = await FakeController.start();
  t.teardown(() => controller.stop());
  controller.offer(v2.bytes);
  const configPath = await writeConfig(dir, dataDir, key.keyId, key.publicKeyPem, controller.url);

  const agent = spawnAgent(configPath, { [TEST_HOLD_ENV]: 'staging' }, testHoldMarker('staging'));
  await controller.waitForDeviceSubscription('store-offline');
  await controller.send('store-offline', deployCommand('dep-busy', { name: 'demand', version: 2 }, v2.bytes));
  await agent.ready;

  const refused = await runCli(['agent', 'install', v3.path, '--config', configPath, '--json']);
  t.is(refused.code, 75);
  t.is((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'FC_ERR_UPDATE_BUSY');
  t.is(inspectAgentDb(dataDir).state, 'staging');

  agent.child.kill('SIGKILL');
  await agent.exited;
  const taken = await runCli(['agent', 'install', v3.path, '--config', configPath, '--json']);
  t.is(taken.code, 0, taken.stdout + taken.stderr);
  const printed = JSON.parse(taken.stdout) as { resumed: { deploymentId: string; state: string }; active: ModelRef; retained: ModelRef[] };
  t.deepEqual(printed.resumed, { deploymentId: 'dep-busy', state: 'committed' });
  t.deepEqual(printed.active, { name: 'demand', version: 3 });
  t.deepEqual((await servingModel(dataDir, trusted))?.ref, { name: 'demand', version: 3 });
  t.is(inspectAgentDb(dataDir).integrity, 'ok');
});
