import './quiet-logs.js';
import test from 'ava';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ExternalMqttAdapter } from '../../../cloud-controller/broker/external-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { writeMosquittoConfig } from '../../../cloud-controller/broker/mosquitto/config-writer.js';
import { brokerContract, type BrokerUnderTest } from './contract.js';
import { brokerUnderTest, createFleetFixture } from './fleet-fixture.js';
import { freePort, killMosquitto, startMosquitto } from './mosquitto-process.js';

/** A real Mosquitto on a free loopback port, configured only by the files fleetcast writes. */
async function mosquitto(tls: boolean): Promise<BrokerUnderTest> {
  const fixture = createFleetFixture('fc-mosquitto-');
  const brokerDir = join(fixture.dataDir, 'broker');
  const controllerIdentity = loadOrCreateControllerIdentity(brokerDir);
  const port = await freePort();
  const files = writeMosquittoConfig({
    outDir: join(brokerDir, 'mosquitto'),
    controllerIdentity,
    ...(tls ? { tls: { port } } : { port }),
    // The test runs as root in a container; the generated files are root-owned 0600.
    runAsUser: process.getuid?.() === 0 ? 'root' : undefined,
  });
  const child = await startMosquitto(files.config);
  const adapter = new ExternalMqttAdapter({
    url: tls ? `mqtts://localhost:${port}` : `mqtt://127.0.0.1:${port}`,
    caFile: files.caFile,
    controllerIdentity,
    mosquitto: { passwordFile: files.passwordFile, pidFile: files.pidFile },
  });
  return brokerUnderTest(adapter, fixture, () => killMosquitto(child));
}

brokerContract(test, 'mosquitto (tcp)', () => mosquitto(false));
brokerContract(test, 'mosquitto (tls, generated CA)', () => mosquitto(true));

test('mosquitto-config: ACL confines devices with pattern lines; password file uses $7$ PBKDF2-SHA512', (t) => {
  const fixture = createFleetFixture('fc-mosquitto-files-');
  try {
    const identity = loadOrCreateControllerIdentity(join(fixture.dataDir, 'broker'));
    const files = writeMosquittoConfig({ outDir: join(fixture.dataDir, 'out'), controllerIdentity: identity, port: 1883 });
    t.deepEqual(readFileSync(files.aclFile, 'utf8').split('\n').filter((line) => /^(user|topic|pattern) /.test(line)), [
      'user fleetcast-controller',
      'topic readwrite fc/v1/d/#',
      'pattern write fc/v1/d/%u/state',
      'pattern write fc/v1/d/%u/evt',
      'pattern write fc/v1/d/%u/up',
      'pattern write fc/v1/d/%u/blob/req',
      'pattern read fc/v1/d/%u/cmd',
      'pattern read fc/v1/d/%u/ack',
      'pattern read fc/v1/d/%u/blob/res',
    ]);
    t.regex(readFileSync(files.passwordFile, 'utf8'), /^fleetcast-controller:\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}\n$/);
    const config = readFileSync(files.config, 'utf8');
    t.true(config.includes('allow_anonymous false\n'));
    t.true(config.includes(`acl_file ${files.aclFile}\n`));
    t.true(config.includes('listener 1883 127.0.0.1\n'));
  } finally {
    fixture.cleanup();
  }
});
