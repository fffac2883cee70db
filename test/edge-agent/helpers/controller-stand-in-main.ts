import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { upMessageSchema } from '../../../protocols/messages/up.js';
import { parseDeviceTopic, deviceTopic, allDevicesFilter } from '../../../protocols/topics.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';

/**
 * Stand-in for the controller's broker in agent tests: a real aedes in its own process that
 * acks every valid `up` batch (as the controller's idempotent ingest would) and reports each
 * record and each `state` message as a JSON line on stdout for the test to count.
 * argv: <port> <devicePassword>
 */
const port = Number(process.argv[2] ?? 0);
const devicePassword = process.argv[3] ?? '';
const broker = await Aedes.createBroker({
  authenticate(client, username, password, done) {
    done(null, username === client.id && password?.toString('utf8') === devicePassword);
  },
});
const emit = (event: unknown): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

broker.subscribe(allDevicesFilter('up'), (packet, callback) => {
  const { deviceId } = parseDeviceTopic(packet.topic);
  const parsed = upMessageSchema.safeParse(JSON.parse(packet.payload.toString()));
  if (!parsed.success) {
    emit({ invalidBatch: parsed.error.issues[0] });
    callback();
    return;
  }
  for (const record of parsed.data.records) emit({ ingest: record.seq, record });
  const ack = { ...envelope({ role: 'controller', id: 'controller' }), type: 'ack', batchId: parsed.data.id, fromSeq: parsed.data.fromSeq, toSeq: parsed.data.toSeq };
  broker.publish({ cmd: 'publish', topic: deviceTopic(deviceId, 'ack'), payload: JSON.stringify(ack), qos: 1, retain: false, dup: false }, () => callback());
}, () => undefined);
broker.subscribe(allDevicesFilter('state'), (packet, callback) => {
  emit({ state: JSON.parse(packet.payload.toString()) });
  callback();
}, () => undefined);
broker.subscribe(allDevicesFilter('evt'), (packet, callback) => {
  emit({ evt: JSON.parse(packet.payload.toString()) });
  callback();
}, () => undefined);

const server = createServer(broker.handle);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  emit({ listening: typeof address === 'object' && address ? address.port : port });
});
