import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { writeAgentConfig } from '../../test/edge-agent/helpers/agent-fixture.js';
import { scoreRequest } from '../../test/edge-agent/helpers/pos-client.js';
import { cliEntry, distRoot, repoRoot } from '../../test/helpers/paths.js';
import { benchModels, type BenchModel } from '../score/bench-models.js';
import { startBenchAgent } from '../score/bench-agent.js';
import { connect, seedActuals, throughput } from '../score/pos-load.js';

/**
 * bench/footprint (issue #15 "Agent footprint"): resident memory of a real `fleetcast agent`
 * process serving a model — idle with the model loaded, then after a load run of POS requests
 * (32 in flight) — with the anonymous / file-backed split from /proc and the npm packages the
 * process loaded (what dominates). `--compare <dist/cli/main.js of another build>` measures
 * that build alongside, same models, same run (before/after).
 *
 *   node dist/bench/footprint/run.js [--requests 20000] [--compare /path/to/before/dist/cli/main.js]
 */
function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const REQUESTS = Number(option('requests') ?? 20_000);
const compare = option('compare');
const SETTLE_MS = 5_000;
const IDLE_TARGET_MB = 120;
const LOADED_TARGET_MB = 160;

interface Memory {
  rssMb: number;
  anonMb: number;
  fileMb: number;
}

interface Sample {
  build: string;
  model: string;
  idle: Memory;
  afterLoad: Memory;
  packages: number;
  heavyPackages: string[];
}

const mb = (kb: number): number => kb / 1024;

async function memoryOf(pid: number): Promise<Memory> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
  return { rssMb: mb(field('Rss')), anonMb: mb(field('Anonymous')), fileMb: mb(field('Rss') - field('Anonymous')) };
}

/** Packages whose presence says a module the serving agent should not need was loaded. */
const WATCHED = ['systeminformation', 'date-holidays', '@aws-sdk', 'playwright-core', 'echarts', 'fastify', 'nodemailer', 'jstat'];

async function measure(build: string, entry: string, model: BenchModel): Promise<Sample> {
  const root = model.root;
  const log = join(root, `modules-${build}.txt`);
  await rm(join(root, 'data'), { recursive: true, force: true });
  const configPath = await writeAgentConfig(root, { logLevel: 'warn' });
  const preload = pathToFileURL(join(distRoot, 'test', 'helpers', 'module-log-preload.js')).href;
  const agent = await startBenchAgent(configPath, { entry, nodeArgs: ['--import', preload], env: { FLEETCAST_TEST_MODULE_LOG: log } });
  const { child } = agent;
  try {
    const port = agent.posPort;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idle = await memoryOf(child.pid!);
    const client = await connect(port, `fp-${build}`);
    const payload = JSON.stringify(scoreRequest([model.row], { requestId: 'fp' }));
    await seedActuals(client, model, payload);
    await throughput(client, payload, REQUESTS, 32, child.pid!);
    await client.endAsync();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const afterLoad = await memoryOf(child.pid!);
    await agent.stop();
    const urls = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const packages = new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
    return { build, model: model.label, idle, afterLoad, packages: packages.size, heavyPackages: [...packages].filter((name) => WATCHED.some((watched) => name.startsWith(watched))) };
  } finally {
    child.kill('SIGKILL');
  }
}

const loadStart = loadavg();
const models = await benchModels((line) => process.stderr.write(`bench/footprint: ${line}\n`), { trained: false });
const builds: Array<[string, string]> = [['this build', cliEntry], ...(compare ? [['compared build', compare] as [string, string]] : [])];
const samples: Sample[] = [];
for (const model of models) {
  for (const [build, entry] of builds) {
    process.stderr.write(`bench/footprint: ${model.label}, ${build}\n`);
    samples.push(await measure(build, entry, model));
  }
}
const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavgStart: loadStart, loadavgEnd: loadavg(), node: process.version };
process.stdout.write(`${JSON.stringify({ requests: REQUESTS, samples, machine }, null, 2)}\n`);

const f = (value: number): string => value.toFixed(1);
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
const rows = samples.map((s) => `| ${s.model} | ${s.build} | ${f(s.idle.rssMb)} (${f(s.idle.anonMb)} anon + ${f(s.idle.fileMb)} file) | ${f(s.afterLoad.rssMb)} (${f(s.afterLoad.anonMb)} anon + ${f(s.afterLoad.fileMb)} file) | ${s.packages} | ${s.heavyPackages.join(', ') || '—'} |`);
const ours = samples.filter((s) => s.build === 'this build');
const doc = `# bench/footprint — resident memory of the serving agent

Command (after \`npx tsc -p .\`): \`node dist/bench/footprint/run.js --requests ${REQUESTS}${compare ? ' --compare <before>/dist/cli/main.js' : ''}\`

Measured ${new Date().toISOString()} on ${machine.cpus} × ${machine.model}, Node ${machine.node}; load average
${machine.loadavgStart.map((l) => l.toFixed(2)).join(' / ')} at the start, ${machine.loadavgEnd.map((l) => l.toFixed(2)).join(' / ')} at the end.

A real \`fleetcast agent\` process (no uplink), RSS from /proc/<pid>/smaps_rollup ${SETTLE_MS / 1000} s after ready
("idle") and ${SETTLE_MS / 1000} s after ${REQUESTS} POS score requests with 32 in flight ("after load"). Anonymous
memory is the JS heaps, onnxruntime and SQLite; file-backed is mapped code (node, onnxruntime's
library). Packages: npm packages the process loaded; watched: ones the serving agent should not need.

| model | build | idle RSS MB | after-load RSS MB | packages loaded | watched packages loaded |
|---|---|---|---|---|---|
${rows.join('\n')}

| target (issue #15) | measured (this build) | verdict |
|---|---|---|
${ours.map((s) => `| ${s.model}: idle ≤ ${IDLE_TARGET_MB} MB | ${f(s.idle.rssMb)} MB | ${verdict(s.idle.rssMb <= IDLE_TARGET_MB)} |\n| ${s.model}: after load ≤ ${LOADED_TARGET_MB} MB | ${f(s.afterLoad.rssMb)} MB | ${verdict(s.afterLoad.rssMb <= LOADED_TARGET_MB)} |`).join('\n')}
`;
await mkdir(join(repoRoot, 'docs', 'benchmarks'), { recursive: true });
await writeFile(join(repoRoot, 'docs', 'benchmarks', 'footprint.md'), doc);
process.exit(0);
