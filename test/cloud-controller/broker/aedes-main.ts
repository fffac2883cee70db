import { join } from 'node:path';
import { AedesBrokerAdapter } from '../../../cloud-controller/broker/aedes-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { createFleetFixture } from './fleet-fixture.js';

/**
 * The controller's embedded broker alone in a child process, so a test can read this
 * process's RSS from outside (issue #9 finding 4). Prints `{"port":n}` once listening; exits on
 * stdin end.
 */
const fixture = createFleetFixture('fc-aedes-child-');
const brokerDir = join(fixture.dataDir, 'broker');
const adapter = new AedesBrokerAdapter({ brokerDir, port: 0, verifier: fixture.fleet, controllerIdentity: loadOrCreateControllerIdentity(brokerDir) });
await adapter.start();
process.stdout.write(`${JSON.stringify({ port: adapter.boundPorts().port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void adapter.stop().then(() => {
  fixture.cleanup();
  process.exit(0);
}));
