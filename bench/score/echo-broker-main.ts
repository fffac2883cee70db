import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import { guardSocket } from '../../protocols/mqtt/guarded-socket.js';
import { DEFAULT_BROKER_LIMITS } from '../../protocols/mqtt/broker-limits.js';

/**
 * Baseline for bench/score: the same aedes broker the agent embeds, answering each request on
 * `pos/v1/score/req` with its payload on the client's reply topic — the broker round trip
 * with no validation, features or scoring. With `--guard`, every socket goes through the
 * agent's broker guard first (issue #15: what the guard itself costs). argv: [--guard]
 */
const guarded = process.argv.includes('--guard');
const logger = pino({ level: 'silent' });
const broker = await Aedes.createBroker();
broker.on('publish', (packet, client) => {
  if (!client || packet.topic !== 'pos/v1/score/req') return;
  broker.publish({ cmd: 'publish', topic: `pos/v1/score/res/${client.id}`, payload: packet.payload, qos: 0, retain: false, dup: false }, () => undefined);
});
const server = createServer((socket) => {
  if (guarded) broker.handle(guardSocket(socket, DEFAULT_BROKER_LIMITS, logger));
  else broker.handle(socket);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ event: 'ready', posPort: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
