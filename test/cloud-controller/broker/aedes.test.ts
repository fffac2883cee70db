import './quiet-logs.js';
import test from 'ava';
import { join } from 'node:path';
import { AedesBrokerAdapter } from '../../../cloud-controller/broker/aedes-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { brokerContract, type BrokerUnderTest } from './contract.js';
import { brokerUnderTest, createFleetFixture } from './fleet-fixture.js';

async function embedded(tls: boolean): Promise<BrokerUnderTest> {
  const fixture = createFleetFixture('fc-aedes-');
  const brokerDir = join(fixture.dataDir, 'broker');
  const adapter = new AedesBrokerAdapter({
    brokerDir,
    ...(tls ? { tls: { port: 0 } } : { port: 0 }),
    verifier: fixture.fleet,
    controllerIdentity: loadOrCreateControllerIdentity(brokerDir),
  });
  return brokerUnderTest(adapter, fixture);
}

brokerContract(test, 'aedes (tcp)', () => embedded(false));
brokerContract(test, 'aedes (tls, generated CA)', () => embedded(true));

test('aedes: a revoked device loses its live session at once', async (t) => {
  const broker = await embedded(false);
  try {
    const secret = await broker.enrol('dev-live');
    const { connectOnce } = await import('./mqtt-helpers.js');
    const endpoint = broker.adapter.deviceEndpoint();
    const client = await connectOnce({ url: endpoint.url, clientId: 'dev-live', username: 'dev-live', password: secret });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.revoke('dev-live');
    await closed;
    t.false(client.connected);
    client.end(true);
  } finally {
    await broker.teardown();
  }
});
