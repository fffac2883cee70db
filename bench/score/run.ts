import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createAgentSession, ort } from '../../edge-agent/scoring/onnx-session.js';
import { loadModelDirectory } from '../../edge-agent/scoring/directory-model-source.js';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import { writeAgentConfig } from '../../test/edge-agent/helpers/agent-fixture.js';
import { connect, latencies, seedActuals, throughput } from './pos-load.js';
import { startBenchAgent } from './bench-agent.js';
import { scoreRequest } from '../../test/edge-agent/helpers/pos-client.js';
import { repoRoot } from '../../test/helpers/paths.js';
import { benchModels, type BenchModel } from './bench-models.js';
import { measureRequestParts, type RequestParts } from './request-parts.js';
import { scoreDoc } from './score-doc.js';

/**
 * bench/score (issues #5, #9, #15): for three models — the 2-tree test bundle, the model
 * `fleetcast train` picks on generated data, and a 300-tree depth-6 GBDT over 30 features —
 * the POS request → response round trip through the agent (one in flight: p50, p99; QoS 0 and
 * QoS 1), throughput with 32 in flight and the agent's CPU time per request, beside the raw
 * broker echo (plain and behind the broker guard) and the raw `session.run`, as ratios; then
 * what each step of a request costs. Writes docs/benchmarks/score.md.
 * Run: `node dist/bench/score/run.js [requests]`
 */
const REQUESTS = Number(process.argv[2] ?? 5_000);
const WARMUP = 500;
const THROUGHPUT_REQUESTS = REQUESTS * 4;

export interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

export interface ModelResult {
  label: string;
  description: string;
  features: number;
  agent: Latency & { rps32: number; cpuUsPerRequest: number };
  agentQos1: Latency;
  sessionRun: Latency;
  parts: RequestParts;
  idleRssBytes: number;
  rssAfterLoadBytes: number;
  startToServingMs: number;
}

export interface EchoResult extends Latency {
  rps32: number;
  cpuUsPerRequest: number;
}

const progress = (line: string): void => void process.stderr.write(`bench/score: ${line}\n`);

function summary(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((s, v) => s + v, 0) / samples.length };
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function rawSessionRun(model: BenchModel, count: number): Promise<number[]> {
  // The agent's own factory and the request's real feature row: the baseline runs exactly what the agent serves.
  const session = await createAgentSession(loadModelDirectory(model.modelDir).modelPath);
  const { matrix, names } = buildFeatureMatrix(model.manifest.featureSpec, SalesHistory.fromRows(model.actuals), [model.row as never]);
  const samples: number[] = [];
  for (let i = 0; i < count + WARMUP; i += 1) {
    const started = performance.now();
    await session.run({ [model.manifest.input.name]: new ort.Tensor('float32', matrix, [1, names.length]) });
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  await session.release();
  return samples;
}

async function benchAgent(model: BenchModel): Promise<Omit<ModelResult, 'sessionRun' | 'parts'>> {
  const payload = JSON.stringify(scoreRequest([model.row], { requestId: 'bench' }));
  const agent = await startBenchAgent(await writeAgentConfig(model.root, { logLevel: 'warn' }));
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleRss = await rssBytes(agent.child.pid!);
    const client = await connect(agent.posPort, `bench-${model.manifest.model.kind}`);
    const first = JSON.parse(await seedActuals(client, model, payload)) as { type: string; code?: string; history?: string };
    if (first.type !== 'score-result') throw new Error(`the agent refused the bench request: ${first.code}`);
    progress(`${model.label}: history ${first.history}, measuring`);
    await latencies(client, payload, WARMUP);
    const agentLatency = summary(await latencies(client, payload, REQUESTS));
    await latencies(client, payload, WARMUP, 1);
    const agentQos1 = summary(await latencies(client, payload, REQUESTS, 1));
    const { rps, cpuUsPerRequest } = await throughput(client, payload, THROUGHPUT_REQUESTS, 32, agent.child.pid!);
    const loadedRss = await rssBytes(agent.child.pid!);
    await client.endAsync();
    return {
      label: model.label,
      description: model.description,
      features: model.manifest.input.features.length,
      agent: { ...agentLatency, rps32: rps, cpuUsPerRequest },
      agentQos1,
      idleRssBytes: idleRss,
      rssAfterLoadBytes: loadedRss,
      startToServingMs: agent.startMs,
    };
  } finally {
    await agent.stop();
  }
}

async function benchEcho(guard: boolean, payload: string): Promise<EchoResult> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./echo-broker-main.js', import.meta.url)), ...(guard ? ['--guard'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { posPort: number }).posPort)));
    const client = await connect(port, guard ? 'bench-echo-guarded' : 'bench-echo');
    await latencies(client, payload, WARMUP);
    const latency = summary(await latencies(client, payload, REQUESTS));
    const { rps, cpuUsPerRequest } = await throughput(client, payload, THROUGHPUT_REQUESTS, 32, child.pid!);
    await client.endAsync();
    return { ...latency, rps32: rps, cpuUsPerRequest };
  } finally {
    child.kill('SIGKILL');
  }
}

const loadAtStart = loadavg();
const models = await benchModels(progress);
const results: ModelResult[] = [];
for (const model of models) {
  progress(`${model.label}: agent`);
  const agent = await benchAgent(model);
  progress(`${model.label}: raw session.run and request parts`);
  const sessionRun = summary(await rawSessionRun(model, REQUESTS));
  results.push({ ...agent, sessionRun, parts: await measureRequestParts(model, Math.min(REQUESTS, 2_000)) });
}
progress('echo baselines');
const echoPayload = JSON.stringify(scoreRequest([models[0].row], { requestId: 'bench' }));
const echo = await benchEcho(false, echoPayload);
const echoGuarded = await benchEcho(true, echoPayload);

const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavgStart: loadAtStart, loadavgEnd: loadavg(), node: process.version };
process.stdout.write(`${JSON.stringify({ requests: REQUESTS, models: results, echo, echoGuarded, machine }, null, 2)}\n`);
await mkdir(join(repoRoot, 'docs', 'benchmarks'), { recursive: true });
await writeFile(join(repoRoot, 'docs', 'benchmarks', 'score.md'), scoreDoc({ requests: REQUESTS, models: results, echo, echoGuarded, machine, measuredAt: new Date() }));
process.exit(0);
