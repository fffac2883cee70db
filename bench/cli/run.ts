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
 *   node dist/bench/cli/run.js [--rounds 5]
 */
const roundsIndex = process.argv.indexOf('--rounds');
const rounds = roundsIndex >= 0 ? Number(process.argv[roundsIndex + 1]) : 5;
const TARGET_MS = 300;

/** Every command path of the program: [] for the top level, then each (sub)command. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return [prefix, ...command.commands.flatMap((sub) => commandPaths(sub, [...prefix, sub.name()]))];
}

function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' } });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return elapsed;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const cases = [
  { label: 'baseline: node -e 0', args: ['-e', '0'] },
  ...commandPaths(buildProgram()).map((path) => ({ label: ['fleetcast', ...path, '--help'].join(' '), args: [cliEntry, ...path, '--help'] })),
];
const samples = new Map<string, number[]>(cases.map((c) => [c.label, []]));
const loadBefore = loadavg()[0];
for (let round = 0; round < rounds; round += 1) {
  for (const c of cases) samples.get(c.label)!.push(wallMs(c.args));
}

const baseline = median(samples.get(cases[0].label)!);
const rows = cases.map((c) => ({ label: c.label, median: median(samples.get(c.label)!), max: Math.max(...samples.get(c.label)!) }));
const worst = rows.slice(1).reduce((a, b) => (b.median > a.median ? b : a));
console.log(`Node ${process.version}, ${rounds} rounds, load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
console.log('');
console.log('| command | median (ms) | max (ms) | median − baseline (ms) |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| \`${row.label}\` | ${row.median.toFixed(0)} | ${row.max.toFixed(0)} | ${row === rows[0] ? '—' : (row.median - baseline).toFixed(0)} |`);
console.log('');
console.log(`slowest: \`${worst.label}\` ${worst.median.toFixed(0)} ms (target ≤ ${TARGET_MS} ms): ${worst.median <= TARGET_MS ? 'met' : 'NOT met'}`);
