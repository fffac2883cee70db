import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { distRoot } from '../../helpers/paths.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { deployCommand, rollbackCommand } from './helpers/commands.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { FakeController } from './helpers/fake-controller.js';
import { runUntilHeldThenKill } from './helpers/held-process.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

/**
 * Crash safety of the agent DAEMON (issue #5 acceptance): a real agent process (the daemon
 * wired with the update engine) receives a deploy — or a rollback — over a real aedes broker,
 * downloads the bundle over `blob/req|res` served by this test, is SIGKILLed right after it
 * persisted each update state (and once in the middle of a chunk), is started again, and must
 * end serving a verified model with an intact SQLite file and the final `evt` reported.
 */
const AGENT_SCRIPT = join(distRoot, 'test', 'edge-agent', 'update', 'helpers', 'agent-with-updates.js');
const CHUNK = 4096;

interface DaemonCrashCase {
  hold: string;
  /** The state the database must show after the kill. */
  persisted: string;
  command: 'deploy' | 'rollback';
  finalState: 'committed' | 'idle';
  finalVersion: number;
}

const cases: DaemonCrashCase[] = [
  { hold: 'downloading', persisted: 'downloading', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: `downloading:mid-chunk@${CHUNK}`, persisted: 'downloading', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: 'verifying', persisted: 'verifying', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: 'staging', persisted: 'staging', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: 'activating', persisted: 'activating', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: 'committed', persisted: 'committed', command: 'deploy', finalState: 'committed', finalVersion: 2 },
  { hold: 'rolling_back', persisted: 'rolling_back', command: 'rollback', finalState: 'idle', finalVersion: 1 },
];

/** Starts the agent child and resolves when it printed its ready line. */
function startAgent(configPath: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [AGENT_SCRIPT, configPath, String(CHUNK)], { env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent not ready: ${stderr}`)), 30_000);
    void exited.then(() => reject(new Error(`agent exited early: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"ready"')) return;
      clearTimeout(timer);
      resolve({
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

for (const crash of cases) {
  test(`daemon killed in ${crash.hold} resumes and ends ${crash.finalState} serving v${crash.finalVersion}`, async (t) => {
    const dir = await tempDataDir('fc-crash-daemon-');
    const dataDir = join(dir, 'data');
    const key = makeSigningKey();
    const trusted = trustedKeysFromPems([key.publicKeyPem]);
    const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
    const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
    const controller = await FakeController.start();
    t.teardown(() => controller.stop());
    controller.offer(v2.bytes);

    // Starting point: v1 serving (and v2 too, retained and active, for the rollback case).
    const seed = await openEngine(dataDir, trusted);
    await seed.manager.install(v1.path);
    if (crash.command === 'rollback') await seed.manager.install(v2.path);
    seed.close();

    const deviceId = `store-${crash.hold.replace(/[^a-z0-9]/g, '')}`;
    const configPath = join(dir, 'agent.json');
    await writeFile(configPath, JSON.stringify({
      deviceId,
      dataDir,
      trustedKeys: { [key.keyId]: key.publicKeyPem },
      uplink: { url: controller.url, password: 'device-secret-1', reconnect: { minMs: 50, maxMs: 500 } },
      pos: { port: 0, users: [{ username: 'pos', password: 'pos-secret-1' }] },
      privacy: { hashKeyHex: 'ab'.repeat(32) },
      logLevel: 'silent',
    }));
    const deploymentId = `dep-${deviceId}`;
    const command = crash.command === 'deploy' ? deployCommand(deploymentId, { name: 'demand', version: 2 }, v2.bytes) : rollbackCommand(deploymentId);

    const killed = await runUntilHeldThenKill(AGENT_SCRIPT, [configPath, String(CHUNK)], crash.hold, {
      started: (child) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.includes('"ready"')) void controller.waitForDeviceSubscription(deviceId).then(() => controller.send(deviceId, command));
        });
      },
    });
    t.is(killed.signal, 'SIGKILL');
    const afterKill = inspectAgentDb(dataDir);
    t.is(afterKill.state, crash.persisted);
    t.is(afterKill.integrity, 'ok');
    if (crash.hold.startsWith('downloading:mid-chunk')) t.is(afterKill.downloadedBytes, CHUNK, 'only whole, fsync\'d chunks count');
    const requestsBeforeRestart = controller.blobRequests.length;

    const agent = await startAgent(configPath);
    t.teardown(() => agent.stop());
    const final = await controller.waitForEvent((event) => event.deploymentId === deploymentId && event.to === crash.finalState, 60_000);
    t.deepEqual(final.model, crash.command === 'deploy' ? { name: 'demand', version: 2 } : { name: 'demand', version: 1 });

    if (crash.hold === 'downloading') t.deepEqual(controller.blobRequests.slice(requestsBeforeRestart).map((request) => request.offset), [0, CHUNK, 2 * CHUNK]);
    if (crash.hold.startsWith('downloading:mid-chunk')) {
      // Resumed from the persisted offset: chunk 0 is never asked for again, the half-written chunk is.
      t.deepEqual(controller.blobRequests.slice(requestsBeforeRestart).map((request) => request.offset), [CHUNK, 2 * CHUNK]);
    }
    if (crash.command === 'rollback' || ['verifying', 'staging', 'activating', 'committed'].includes(crash.hold)) t.is(controller.blobRequests.length, requestsBeforeRestart, 'no download after the restart');

    await agent.stop();
    const serving = await servingModel(dataDir, trusted);
    t.deepEqual(serving?.ref, { name: 'demand', version: crash.finalVersion });
    t.true((serving?.goldenRows ?? 0) > 0);
    const db = inspectAgentDb(dataDir);
    t.is(db.integrity, 'ok');
    t.is(db.state, crash.finalState);
  });
}
