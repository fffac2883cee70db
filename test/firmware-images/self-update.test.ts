import test from 'ava';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { installImage } from '../../firmware-images/install/install-image.js';
import { withVersion } from '../../firmware-images/build/build-image.js';
import { trustedKeysFromPems } from '../../protocols/bundle/keys.js';
import { api, eventually } from '../cloud-controller/controller-process.js';
import { tempDir } from '../cloud-controller/helpers.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnJson } from '../helpers/spawn-json.js';
import { buildTestImage, sharedImage, type BuiltImage } from './image-fixture.js';
import { TestSupervisor } from './supervisor.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface DeviceView {
  online: boolean;
  reported: { agentVersion: string | null } | null;
}

/**
 * Issue #16 acceptance with real processes: `fleetcast controller`, the agent run from an image
 * installed into a temporary root by a supervisor standing in for systemd, `fleetcast deploy
 * --kind image` to V2 and then to a V3 that cannot start — and V2 back in the inventory.
 */
test('an agent run from an installed image updates to V2, then returns to V2 by itself after a broken V3', async (t) => {
  // Four agent starts, two downloads, verifications and slot writes of a ~90 MiB image: about a
  // minute on an idle 2-core machine, many more when it is shared (load 40 measured).
  t.timeout(25 * 60_000);
  const { key, dir, staged, v1 } = await sharedImage();
  const v2 = await buildTestImage(withVersion(staged, '2.0.0'), key, join(dir, 'v2.img'));
  const v3staged = withVersion(staged, '3.0.0');
  // A release that is signed and valid but cannot start: its entry exits at once.
  v3staged.files.set('bin/fleetcast-agent.js', Buffer.from('process.exit(70);\n'));
  const v3 = await buildTestImage(v3staged, key, join(dir, 'v3.img'));

  const cwd = tempDir('fc-e2e-image-');
  const keyPath = join(cwd, 'signer.pub.pem');
  writeFileSync(keyPath, key.publicKeyPem);
  const apiPort = await freePort();
  const configPath = join(cwd, 'controller.json');
  writeFileSync(configPath, JSON.stringify({ api: { publicUrl: `http://127.0.0.1:${apiPort}` } }));
  const { child: controller, info } = await spawnJson<{ api: string; broker: string }>(['controller', '--config', configPath, '--json'], cwd, { FLEETCAST_API_PORT: String(apiPort), FLEETCAST_BROKER_PORT: '0', FLEETCAST_TRUSTED_KEYS: keyPath });
  t.teardown(() => {
    if (controller.exitCode === null) controller.kill('SIGKILL');
  });
  const created = await runCli(['controller', 'token', 'create', '--role', 'operator', '--name', 'e2e', '--json'], { cwd });
  t.is(created.code, 0, created.stderr);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const deviceId = 'store-img-1';
  const enrolled = await api(info.api, token, 'POST', '/v1/devices', { id: deviceId, store: deviceId, region: 'eu-west', timezone: 'Europe/Berlin', profile: v1.manifest.profile.id, tags: ['images'] });
  t.is(enrolled.status, 201);

  const root = tempDir('fc-root-');
  const installed = await installImage({
    root,
    imagePath: v1.path,
    trustedKeys: trustedKeysFromPems([key.publicKeyPem]),
    deviceConfig: {
      deviceId,
      uplink: { url: info.broker, password: enrolled.json.secret as string, reconnect: { minMs: 100, maxMs: 500, jitter: 0 } },
      pos: { host: '127.0.0.1', port: 0, backend: 'aedes', users: [{ username: 'till-1', password: 'till-password-1' }] },
      privacy: { hashKeyHex: randomBytes(32).toString('hex') },
      trustedKeys: { [key.keyId]: key.publicKeyPem },
      schedules: { heartbeatIntervalSec: 1, flushIntervalSec: 1 },
      logLevel: 'info',
    },
  });
  const installDir = installed.installDir;
  const supervisor = new TestSupervisor(installDir, installed.configFile, join(cwd, 'agent.log'));
  t.teardown(() => supervisor.stop());
  supervisor.start();

  const inventory = async (): Promise<DeviceView> => (await api(info.api, token, 'GET', `/v1/devices/${deviceId}`)).json as unknown as DeviceView;
  const versionOnline = (version: string): Promise<DeviceView> => eventually(async () => {
    const device = await inventory();
    return device.online && device.reported?.agentVersion === version ? device : undefined;
  }, 600_000);
  const deploy = async (image: BuiltImage): Promise<void> => {
    const result = await runCli(['deploy', '--kind', 'image', image.path, '--target', `device:${deviceId}`, '--json'], { cwd });
    t.is(result.code, 0, result.stderr);
    t.deepEqual((JSON.parse(result.stdout) as { sent: string[] }).sent, [deviceId]);
  };

  await versionOnline('1.0.0');
  await deploy(v2);
  await versionOnline('2.0.0');
  t.is(readlinkSync(join(installDir, 'current')), 'slots/b');
  // V2 marks its slot good at its first heartbeat while online (Mender's commit step).
  const committed = await eventually(async () => {
    const boot = JSON.parse(readFileSync(join(installDir, 'boot.json'), 'utf8')) as { good: string; trial: unknown; last: { outcome: string } | null };
    return boot.trial === null && boot.good === 'b' ? boot : undefined;
  }, 300_000);
  t.is(committed.last?.outcome, 'committed');

  await deploy(v3);
  // V3 exits at start; the boot check finds its trial unconfirmed and points `current` back at V2.
  await eventually(async () => (supervisor.starts.some((start) => start.decision === 'reverted') ? true : undefined), 600_000);
  const back = await versionOnline('2.0.0');
  t.is(back.reported?.agentVersion, '2.0.0');
  t.is(readlinkSync(join(installDir, 'current')), 'slots/b');
  t.deepEqual(supervisor.starts.map((start) => start.decision), ['good', 'trial-start', 'trial-start', 'reverted']);
  const boot = JSON.parse(readFileSync(join(installDir, 'boot.json'), 'utf8')) as { last: { version: string; outcome: string } };
  t.deepEqual([boot.last.version, boot.last.outcome], ['3.0.0', 'reverted']);
});
