import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/program.js';
import { cliEntry } from '../../test/helpers/paths.js';

/**
 * `--help` latency of the CLI (issue #9: target ≤ 0.3 s for every command): wall time from
 * spawn to exit of `fleetcast --help` and of every subcommand's `--help`, beside the baseline
 * `node -e 0` measured in the same rounds (interleaved, so machine load hits both alike).
 *
 *   node dist/bench/cli/run.js [--rounds 5] [--compare <other build>/dist/cli/main.js]
 */
function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const rounds = Number(option('rounds') ?? 5);
/** Another build's `dist/cli/main.js` (e.g. before a change) whose `--help` is measured alongside. */
const compare = option('compare');
const TARGET_MS = 300;

/** Every command path of the program: [] for the top level, then each (sub)command. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return [prefix, ...command.commands.flatMap((sub) => commandPaths(sub, [...prefix, sub.name()]))];
}

/**
 * Reports the child's own CPU time (user + system, from its start) on stdout at exit: on a
 * shared machine wall time carries other jobs' load, CPU time much less so.
 */
const cpuProbe = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write('cpu:'+(u.user+u.system)/1000)})`;

interface Sample {
  wall: number;
  cpu: number;
}

function measure(args: string[]): Sample {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', cpuProbe, ...args], { encoding: 'utf8', env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' } });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return { wall, cpu: Number(/cpu:([\d.]+)$/.exec(result.stdout)?.[1]) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const cases = [
  { label: 'baseline: node -e 0', args: ['-e', '0'] },
  ...(compare ? [{ label: `comparison: ${compare} --help`, args: [compare, '--help'] }] : []),
  ...commandPaths(buildProgram()).map((path) => ({ label: ['fleetcast', ...path, '--help'].join(' '), args: [cliEntry, ...path, '--help'] })),
];
const samples = new Map<string, Sample[]>(cases.map((c) => [c.label, []]));
const loadBefore = loadavg()[0];
for (let round = 0; round < rounds; round += 1) {
  for (const c of cases) samples.get(c.label)!.push(measure(c.args));
}

const rows = cases.map((c) => {
  const taken = samples.get(c.label)!;
  return { label: c.label, wall: median(taken.map((s) => s.wall)), cpu: median(taken.map((s) => s.cpu)) };
});
const [baseline, ...measured] = rows;
const commands = compare ? measured.slice(1) : measured;
const slowest = (key: 'wall' | 'cpu') => commands.reduce((a, b) => (b[key] > a[key] ? b : a));
console.log(`Node ${process.version}, ${rounds} rounds (interleaved), load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
console.log('');
console.log('| command | wall median (ms) | CPU median (ms) | wall − baseline (ms) |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| \`${row.label}\` | ${row.wall.toFixed(0)} | ${row.cpu.toFixed(0)} | ${row === baseline ? '—' : (row.wall - baseline.wall).toFixed(0)} |`);
console.log('');
for (const key of ['wall', 'cpu'] as const) {
  const worst = slowest(key);
  console.log(`slowest ${key}: \`${worst.label}\` ${worst[key].toFixed(0)} ms (target ≤ ${TARGET_MS} ms): ${worst[key] <= TARGET_MS ? 'met' : 'NOT met'}`);
}
