import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { createAgentSession, ort } from '../../edge-agent/scoring/onnx-session.js';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import { makeModelDir, startAgentProcess, writeAgentConfig, POS_USER } from '../../test/edge-agent/helpers/agent-fixture.js';
import { scoreRequest } from '../../test/edge-agent/helpers/pos-client.js';
import { repoRoot } from '../../test/helpers/paths.js';

/**
 * bench/score (issue #5 acceptance): POS request → response through the agent's broker with
 * one request in flight (p50, p99) beside the raw `session.run` time and the raw broker round
 * trip (an echo on the same aedes, no scoring), the same requests at QoS 1 beside QoS 0 (issue #9
 * finding 8: Nagle's algorithm made QoS 1 take 44 ms), throughput with 32 in flight, idle RSS
 * with a model loaded, and process start to serving. Writes docs/benchmarks/score.md.
 * Run: `node dist/bench/score/run.js [requests]`
 */
const REQUESTS = Number(process.argv[2] ?? 5_000);
const WARMUP = 500;
const THROUGHPUT_REQUESTS = REQUESTS * 4;
const ROW = { store: 's1', item: 'i2', date: '2026-12-01' };

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: samples.reduce((s, v) => s + v, 0) / samples.length };
}

async function connect(port: number, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId, ...POS_USER, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(`pos/v1/score/res/${clientId}`);
  return client;
}

/** Sequential request/response latencies in ms (one in flight), publishing at `qos`. */
async function latencies(client: MqttClient, payload: string, count: number, qos: 0 | 1 = 0): Promise<number[]> {
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

/** Requests per second with `inFlight` outstanding at all times. */
async function throughput(client: MqttClient, payload: string, total: number, inFlight: number): Promise<number> {
  let sent = 0;
  let received = 0;
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
  client.removeAllListeners('message');
  return total / ((performance.now() - started) / 1_000);
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function rawSessionRun(modelPath: string, manifest: Awaited<ReturnType<typeof makeModelDir>>['bundle']['manifest'], count: number): Promise<number[]> {
  // The agent's own factory: the baseline runs exactly the session the agent serves with.
  const session = await createAgentSession(modelPath);
  const { matrix, names } = buildFeatureMatrix(manifest.featureSpec, new SalesHistory(), [ROW]);
  const samples: number[] = [];
  for (let i = 0; i < count + WARMUP; i += 1) {
    const started = performance.now();
    await session.run({ [manifest.input.name]: new ort.Tensor('float32', matrix, [1, names.length]) });
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  await session.release();
  return samples;
}

async function startEcho(): Promise<{ port: number; kill(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./echo-broker-main.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { posPort: number }).posPort)));
  return { port, kill: () => child.kill('SIGKILL') };
}

const fixed = (value: number, digits = 3): string => value.toFixed(digits);

const { root, modelDir, bundle } = await makeModelDir('gbdt');
const payload = JSON.stringify(scoreRequest([ROW], { requestId: 'bench' }));

const spawnedAt = performance.now();
const agent = await startAgentProcess(await writeAgentConfig(root, { logLevel: 'warn' }), { FLEETCAST_LOG_LEVEL: 'warn' });
const wallStartMs = performance.now() - spawnedAt;
await new Promise((resolve) => setTimeout(resolve, 2_000));
const idleRss = await rssBytes(agent.child.pid!);

const agentClient = await connect(agent.posPort, 'bench-agent');
await latencies(agentClient, payload, WARMUP);
const agentLatency = summary(await latencies(agentClient, payload, REQUESTS));
await latencies(agentClient, payload, WARMUP, 1);
const agentQos1 = summary(await latencies(agentClient, payload, REQUESTS, 1));
const agentRps = await throughput(agentClient, payload, THROUGHPUT_REQUESTS, 32);
const loadedRss = await rssBytes(agent.child.pid!);
await agentClient.endAsync();
await agent.stop();

const echo = await startEcho();
const echoClient = await connect(echo.port, 'bench-echo');
await latencies(echoClient, payload, WARMUP);
const echoLatency = summary(await latencies(echoClient, payload, REQUESTS));
const echoRps = await throughput(echoClient, payload, THROUGHPUT_REQUESTS, 32);
await echoClient.endAsync();
echo.kill();

const sessionRun = summary(await rawSessionRun(join(modelDir, 'model.onnx'), bundle.manifest, REQUESTS));

const results = {
  requests: REQUESTS,
  agent: { ...agentLatency, rps32: agentRps },
  agentQos1,
  echo: { ...echoLatency, rps32: echoRps },
  sessionRun,
  idleRssBytes: idleRss,
  rssAfterLoadBytes: loadedRss,
  startToServingMs: agent.startMs,
  spawnToServingMs: wallStartMs,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavg: loadavg(), node: process.version },
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
const doc = `# bench/score — POS scoring through the agent

Command (after \`npx tsc -p .\`): \`node dist/bench/score/run.js ${REQUESTS}\`

Measured ${new Date().toISOString()} on ${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node},
load average at the end ${results.machine.loadavg.map((l) => l.toFixed(2)).join(' / ')} (the box is shared with other
work; a loaded machine inflates every figure, baselines included).

Model: the test GBDT bundle (\`test/helpers/bundle-fixtures.ts\`, 2 trees, 4 features), one row per request,
features built from local history by the shared executor. Client: mqtt.js (MQTT 3.1.1) on loopback, QoS 0
unless the row says QoS 1; the agent's default POS backend (embedded aedes behind the broker guard).

| what | p50 (ms) | p99 (ms) | mean (ms) | req/s, 32 in flight |
|---|---|---|---|---|
| POS request → response through the agent (${REQUESTS} requests, one in flight) | ${fixed(agentLatency.p50)} | ${fixed(agentLatency.p99)} | ${fixed(agentLatency.mean)} | ${agentRps.toFixed(0)} |
| the same requests published at QoS 1 (PUBACK + reply) | ${fixed(agentQos1.p50)} | ${fixed(agentQos1.p99)} | ${fixed(agentQos1.mean)} | — |
| baseline: raw broker round trip (echo on the same aedes, no scoring) | ${fixed(echoLatency.p50)} | ${fixed(echoLatency.p99)} | ${fixed(echoLatency.mean)} | ${echoRps.toFixed(0)} |
| baseline: raw \`session.run\` (batch 1, same model, 1 intra-op thread) | ${fixed(sessionRun.p50)} | ${fixed(sessionRun.p99)} | ${fixed(sessionRun.mean)} | — |

| target | measured | verdict |
|---|---|---|
| p50 ≤ 0.5 ms | ${fixed(agentLatency.p50)} ms | ${verdict(agentLatency.p50 <= 0.5)} |
| QoS 1 p50 ≤ 2 × QoS 0 p50 (issue #9) | ${fixed(agentQos1.p50)} ms vs ${fixed(agentLatency.p50)} ms (${(agentQos1.p50 / agentLatency.p50).toFixed(2)}×) | ${verdict(agentQos1.p50 <= 2 * agentLatency.p50)} |
| p99 ≤ 2 ms | ${fixed(agentLatency.p99)} ms | ${verdict(agentLatency.p99 <= 2)} |
| ≥ 5,000 req/s with 32 in flight | ${agentRps.toFixed(0)} req/s | ${verdict(agentRps >= 5_000)} |
| idle RSS with a model loaded ≤ 200 MB | ${mb(idleRss)} MB (after the load run: ${mb(loadedRss)} MB) | ${verdict(idleRss <= 200 * 1024 * 1024)} |
| process start to serving ≤ 3 s | ${agent.startMs} ms from Node start (${wallStartMs.toFixed(0)} ms from spawn) | ${verdict(agent.startMs <= 3_000)} |

${agentLatency.p99 > 2 && echoLatency.p99 > 2 ? `On this run the echo baseline's own p99 (${fixed(echoLatency.p99)} ms) is already above the 2 ms p99 target, so
this machine's scheduling noise under the load shown above exceeds the target before any scoring; the
agent's tail is wider still because each request needs two threads scheduled in turn (broker thread,
then the onnxruntime worker). Re-run on an idle machine to judge the p99 target.

` : ''}The agent's time above the echo baseline is the agent's own work: zod validation, feature building,
the hop to the onnxruntime worker thread and back (\`session.run\` itself is the third row), and the
JSON reply.
`;
await mkdir(join(repoRoot, 'docs', 'benchmarks'), { recursive: true });
await writeFile(join(repoRoot, 'docs', 'benchmarks', 'score.md'), doc);
process.exit(0);
