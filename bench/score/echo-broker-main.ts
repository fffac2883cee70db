import { createServer } from 'node:net';
import { Aedes } from 'aedes';

/**
 * Baseline for bench/score: the same aedes broker the agent embeds, answering each request on
 * `pos/v1/score/req` with its payload on the client's reply topic — the broker round trip
 * with no validation, features or scoring. argv: <port>
 */
const broker = await Aedes.createBroker();
broker.on('publish', (packet, client) => {
  if (!client || packet.topic !== 'pos/v1/score/req') return;
  broker.publish({ cmd: 'publish', topic: `pos/v1/score/res/${client.id}`, payload: packet.payload, qos: 0, retain: false, dup: false }, () => undefined);
});
const server = createServer(broker.handle);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ event: 'ready', posPort: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
