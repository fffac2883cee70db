import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { POS_USER } from '../../test/edge-agent/helpers/agent-fixture.js';
import { scoreRequest } from '../../test/edge-agent/helpers/pos-client.js';
import type { BenchModel } from './bench-models.js';

// POS traffic of bench/score and bench/footprint: a real mqtt.js 3.1.1 client on loopback.

/** Rows per actuals message (under the POS payload and packet limits). */
const ACTUALS_PER_MESSAGE = 1_500;

/** Connects as a POS till and subscribes to its default reply topic. */
export async function connect(port: number, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId, ...POS_USER, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(`pos/v1/score/res/${clientId}`);
  return client;
}

/** Sequential request/response latencies in ms (one in flight), publishing at `qos`. */
export async function latencies(client: MqttClient, payload: string, count: number, qos: 0 | 1 = 0): Promise<number[]> {
  const samples: number[] = [];
  let resolveReply: (() => void) | null = null;
  client.on('message', () => resolveReply?.());
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      resolveReply = resolve;
      client.publish('pos/v1/score/req', payload, { qos });
    });
    samples.push(performance.now() - started);
  }
  client.removeAllListeners('message');
  return samples;
}

/** CPU time (user + system) of process `pid` so far, in µs, from /proc. */
async function cpuMicros(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, counted in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Requests per second with `inFlight` outstanding at all times, and the server's CPU µs per request. */
export async function throughput(client: MqttClient, payload: string, total: number, inFlight: number, serverPid: number): Promise<{ rps: number; cpuUsPerRequest: number }> {
  let sent = 0;
  let received = 0;
  const cpuBefore = await cpuMicros(serverPid);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    client.on('message', () => {
      received += 1;
      if (received === total) resolve();
      else if (sent < total) {
        sent += 1;
        client.publish('pos/v1/score/req', payload, { qos: 0 });
      }
    });
    for (; sent < inFlight; sent += 1) client.publish('pos/v1/score/req', payload, { qos: 0 });
  });
  const rps = total / ((performance.now() - started) / 1_000);
  client.removeAllListeners('message');
  return { rps, cpuUsPerRequest: ((await cpuMicros(serverPid)) - cpuBefore) / total };
}

/** Sends the model's history as POS actuals; the first score reply after them proves they are stored (one thread, in order). */
export async function seedActuals(client: MqttClient, model: Pick<BenchModel, 'actuals'>, payload: string): Promise<string> {
  for (let i = 0; i < model.actuals.length; i += ACTUALS_PER_MESSAGE) {
    await client.publishAsync('pos/v1/actuals', JSON.stringify({ ...scoreRequest([]), type: 'actuals', rows: model.actuals.slice(i, i + ACTUALS_PER_MESSAGE) }), { qos: 1 });
  }
  const reply = new Promise<string>((resolve) => client.once('message', (_topic, body) => resolve(body.toString('utf8'))));
  client.publish('pos/v1/score/req', payload);
  return reply;
}

