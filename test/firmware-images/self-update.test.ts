import test from 'ava';
import { createReadStream, mkdtempSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Aedes } from 'aedes';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { installImage } from '../../firmware-images/install/install-image.js';
import { withVersion } from '../../firmware-images/build/build-image.js';
import { trustedKeysFromPems } from '../../protocols/bundle/keys.js';
import { buildTestImage, sharedImage, type BuiltImage } from './image-fixture.js';
import { TestSupervisor } from './supervisor.js';
import { eventually } from '../cloud-controller/controller-process.js';

/** Serves image files by name over HTTP on loopback (the controller's bundle route stand-in). */
async function fileServer(dir: string): Promise<{ server: Server; url: (name: string) => string }> {
  const server = createServer((request, response) => {
    const path = join(dir, (request.url ?? '/').slice(1).replace(/[^a-z0-9.-]/g, ''));
    response.writeHead(200, { 'content-length': statSync(path).size });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (name) => `http://127.0.0.1:${port}/${name}` };
}

test('an agent run from an installed image updates to V2, then returns to V2 by itself after a broken V3', async (t) => {
  const { key, dir, staged } = await sharedImage();
  // Three agent starts, two downloads and slot writes of a ~90 MiB image on a shared disk.
  t.timeout(9 * 60_000);
  const v2 = await buildTestImage(withVersion(staged, '2.0.0'), key, join(dir, 'v2.img'));
  const v3staged = withVersion(staged, '3.0.0');
  // A release that is signed and valid but cannot start: its entry exits at once.
  v3staged.files.set('bin/fleetcast-agent.js', Buffer.from('process.exit(70);\n'));
  const v3 = await buildTestImage(v3staged, key, join(dir, 'v3.img'));
  const v1 = (await sharedImage()).v1;

  const broker = await Aedes.createBroker();
  const tcp = createTcpServer(broker.handle);
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const brokerPort = (tcp.address() as AddressInfo).port;
  const files = await fileServer(dir);
  const root = mkdtempSync(join(tmpdir(), 'fc-root-'));
  const deviceId = 'store-img-1';
  const births: string[] = [];
  let onBirth: ((version: string) => void) | null = null;
  broker.on('publish', (packet) => {
    if (packet.topic !== `fc/v1/d/${deviceId}/state` || packet.payload.length === 0) return;
    const message = JSON.parse(packet.payload.toString('utf8')) as { type: string; online?: boolean; agentVersion?: string };
    if (message.type === 'birth' && message.agentVersion) {
      births.push(message.agentVersion);
      onBirth?.(message.agentVersion);
    }
  });
  const birthOf = (version: string): Promise<void> => births.includes(version) ? Promise.resolve() : new Promise((resolve) => {
    onBirth = (seen) => {
      if (seen === version) resolve();
    };
  });

  const installed = await installImage({
    root,
    imagePath: v1.path,
    trustedKeys: trustedKeysFromPems([key.publicKeyPem]),
    deviceConfig: {
      deviceId,
      uplink: { url: `mqtt://127.0.0.1:${brokerPort}`, password: 'device-secret-1', reconnect: { minMs: 100, maxMs: 500, jitter: 0 } },
      pos: { host: '127.0.0.1', port: 0, backend: 'aedes', users: [{ username: 'till-1', password: 'till-password-1' }] },
      privacy: { hashKeyHex: randomBytes(32).toString('hex') },
      trustedKeys: { [key.keyId]: key.publicKeyPem },
      schedules: { heartbeatIntervalSec: 1, flushIntervalSec: 1 },
      logLevel: 'warn',
    },
  });
  const installDir = installed.installDir;
  const supervisor = new TestSupervisor(installDir, installed.configFile, join(dir, 'agent.log'));
  t.log(`agent output: ${join(dir, 'agent.log')}`);
  t.teardown(() => {
    supervisor.stop();
    tcp.close();
    broker.close();
    files.server.close();
  });
  supervisor.start();
  await birthOf('1.0.0');

  const send = async (image: BuiltImage, name: string): Promise<void> => {
    const command = { v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'controller', id: 'test-controller' }, type: 'image-update', deploymentId: `img-${image.manifest.version}`, image: { version: image.manifest.version, hardwareProfile: image.manifest.profile.id }, bundle: { sha256: image.sha256, size: image.sizeBytes, url: files.url(name) } };
    await new Promise<void>((resolve, reject) => broker.publish({ cmd: 'publish', topic: `fc/v1/d/${deviceId}/cmd`, payload: Buffer.from(JSON.stringify(command)), qos: 1, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())));
  };

  await send(v2, 'v2.img');
  await birthOf('2.0.0');
  t.is(readlinkSync(join(installDir, 'current')), 'slots/b');
  // V2 marks its slot good at its first heartbeat while online (the Mender commit).
  const state = await eventually(async () => {
    const boot = JSON.parse(readFileSync(join(installDir, 'boot.json'), 'utf8')) as { good: string; trial: unknown; last: { outcome: string } | null };
    return boot.trial === null && boot.good === 'b' ? boot : undefined;
  }, 30_000);
  t.is(state.last?.outcome, 'committed');

  births.length = 0;
  await send(v3, 'v3.img');
  // V3 exits at start; the boot check sees its trial unconfirmed and returns `current` to V2's slot.
  await birthOf('2.0.0');
  t.is(readlinkSync(join(installDir, 'current')), 'slots/b');
  t.deepEqual(supervisor.starts.map((start) => start.decision), ['good', 'trial-start', 'trial-start', 'reverted']);
  t.false(births.includes('3.0.0'));
});
