import test from 'ava';
import mqtt from 'mqtt';
import type { MosquittoPosBackend } from '../../edge-agent/pos/backends/mosquitto-backend.js';
import { posBrokerContract, startPosBroker } from './pos-broker-contract.js';
import { POS_USER } from './helpers/agent-fixture.js';
import { waitFor } from './helpers/pos-client.js';

posBrokerContract(test, 'mosquitto', [4, 5]);

test('a SIGKILLed POS Mosquitto is restarted by the agent: tills reconnect, get replies and the retained status', async (t) => {
  const fixture = await startPosBroker('mosquitto');
  t.teardown(() => fixture.close());
  const backend = fixture.broker.backend as MosquittoPosBackend;
  await fixture.broker.publish('pos/v1/status', JSON.stringify({ status: 'before-crash' }), { qos: 1, retain: true });
  const firstPid = backend.brokerPid()!;
  process.kill(firstPid, 'SIGKILL');
  await waitFor(() => backend.brokerPid() !== undefined && backend.brokerPid() !== firstPid, 10_000, 'a new Mosquitto');
  // A till that retries as tills do: connected as soon as the restarted broker accepts it.
  const till = mqtt.connect(`mqtt://127.0.0.1:${fixture.broker.port()}`, { clientId: 'till-after-crash', ...POS_USER, protocolVersion: 5, reconnectPeriod: 100 });
  t.teardown(() => void till.endAsync(true));
  await new Promise<void>((resolve) => till.once('connect', () => resolve()));
  const received: Array<{ topic: string; body: Record<string, unknown> }> = [];
  till.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await till.subscribeAsync(['pos/v1/score/res/till-after-crash', 'pos/v1/status']);
  await till.publishAsync('pos/v1/score/req', 'after-crash', { qos: 1, properties: { responseTopic: 'pos/v1/score/res/till-after-crash' } });
  await waitFor(() => received.some((m) => m.body.echo === 'after-crash') && received.some((m) => m.topic === 'pos/v1/status'), 10_000, 'reply and status after the restart');
  t.like(received.find((m) => m.topic === 'pos/v1/status')?.body, { status: 'before-crash' });
});
