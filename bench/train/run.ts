import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { writeBenchData } from './data-files.js';
import { benchParams, type RunnerResult } from './shared-params.js';
import { BENCH_FEATURES, generateSyntheticSet } from './synthetic-data.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** Debian's interpreter: python3-xgboost is installed for it, not for a pyenv shim on PATH. */
const PYTHON = process.env.FLEETCAST_BENCH_PYTHON ?? '/usr/bin/python3';

/**
 * bench/train (issue #3): our histogram GBDT against XGBoost `tree_method=hist` (nthread=2)
 * on the same synthetic matrix with the same parameters, each in its own child process, one
 * after the other. Prints a markdown table and writes JSON to bench/results/.
 *
 *   node dist/bench/train/run.js [--rows 1000000] [--test-rows 200000] [--rounds 300] [--seed 1] [--repeat 1]
 */
const program = new Command('bench-train')
  .option('--rows <n>', 'training rows', '1000000')
  .option('--test-rows <n>', 'held-out rows for RMSE', '200000')
  .option('--rounds <n>', 'boosting rounds', String(benchParams.rounds))
  .option('--seed <n>', 'data seed', '1')
  .option('--repeat <n>', 'alternate ours/XGBoost this many times and report the fastest run of each (the machine is shared)', '1')
  .option(
    '--omp-wait-policy <policy>',
    "XGBoost's OpenMP OMP_WAIT_POLICY; PASSIVE (default) sleeps at barriers like our Atomics.wait workers — ACTIVE spinning collapses XGBoost on a loaded shared machine (4× slower at load 20)",
    'PASSIVE',
  )
  .parse(process.argv);
const options = program.opts<{ rows: string; testRows: string; rounds: string; seed: string; ompWaitPolicy: string; repeat: string }>();
const repeat = Number(options.repeat);
const rows = Number(options.rows);
const testRows = Number(options.testRows);
const rounds = Number(options.rounds);
const seed = Number(options.seed);

const dir = mkdtempSync(join(tmpdir(), 'fc-bench-train-'));
try {
  process.stderr.write(`generating ${rows} + ${testRows} rows × ${BENCH_FEATURES} features in ${dir}\n`);
  writeBenchData(dir, generateSyntheticSet(rows, seed), generateSyntheticSet(testRows, seed + 1000), BENCH_FEATURES);
  const runs: Array<{ ours: RunnerResult; xgb: RunnerResult; load1m: number[] }> = [];
  for (let attempt = 0; attempt < repeat; attempt += 1) {
    const load1m = [loadavg()[0]];
    process.stderr.write(`[${attempt + 1}/${repeat}] training fleetcast gbdt\n`);
    const ours = await runJson(process.execPath, [join(here, 'run-ours.js'), dir, String(rounds)], {});
    load1m.push(loadavg()[0]);
    process.stderr.write(`[${attempt + 1}/${repeat}] training xgboost\n`);
    const xgb = await runJson(PYTHON, [
      join(here, '..', '..', '..', 'bench', 'train', 'run_xgboost.py'),
      dir,
      String(rounds),
      String(benchParams.maxDepth),
      String(benchParams.learningRate),
      String(benchParams.maxBins + 1),
      String(benchParams.lambda),
      String(benchParams.minChildWeight),
    ], { OMP_WAIT_POLICY: options.ompWaitPolicy });
    load1m.push(loadavg()[0]);
    runs.push({ ours, xgb, load1m });
  }
  const fastest = (pick: (run: (typeof runs)[number]) => RunnerResult) => runs.map(pick).reduce((a, b) => (b.fitSeconds < a.fitSeconds ? b : a));
  const ours = fastest((run) => run.ours);
  const xgb = fastest((run) => run.xgb);
  const report = {
    date: new Date().toISOString(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    node: process.version,
    rows,
    testRows,
    features: BENCH_FEATURES,
    params: { ...benchParams, rounds },
    xgboostOmpWaitPolicy: options.ompWaitPolicy,
    runs,
    fastest: [ours, xgb],
    wallTimeRatio: ours.fitSeconds / xgb.fitSeconds,
    cpuTimeRatio: ours.fitCpuSeconds / xgb.fitCpuSeconds,
    rmseRelativeDifference: ours.holdoutRmse / xgb.holdoutRmse - 1,
  };
  const resultsDir = join(here, '..', '..', '..', 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `train-${report.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const line = (r: RunnerResult) => `| ${r.learner} | ${r.fitSeconds.toFixed(1)} | ${r.fitCpuSeconds.toFixed(1)} | ${r.holdoutRmse.toFixed(4)} | ${r.peakRssMiB.toFixed(0)} | ${r.trees} |`;
  const loads = runs.map((run) => run.load1m.map((l) => l.toFixed(1)).join(' → ')).join('; ');
  process.stdout.write(
    [
      `${rows} rows × ${BENCH_FEATURES} features, ${rounds} rounds, depth ${benchParams.maxDepth}, eta ${benchParams.learningRate}; ${report.cpu}; XGBoost OMP_WAIT_POLICY=${options.ompWaitPolicy}`,
      `fastest of ${repeat} alternating run(s); load (1 min) before ours → before XGBoost → after, per run: ${loads}`,
      '',
      '| learner | fit wall time (s) | fit CPU time (s) | holdout RMSE | peak RSS (MiB) | trees |',
      '|---|---|---|---|---|---|',
      line(ours),
      line(xgb),
      '',
      `wall time ratio (ours / xgboost): ${report.wallTimeRatio.toFixed(2)}; CPU time ratio: ${report.cpuTimeRatio.toFixed(2)}; RMSE difference: ${(100 * report.rmseRelativeDifference).toFixed(2)}%`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs a runner child process and parses the JSON line it prints. */
async function runJson(command: string, args: string[], env: Record<string, string>): Promise<RunnerResult> {
  const { stdout } = await run(command, args, { maxBuffer: 1 << 20, env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent', ...env } });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as RunnerResult;
}
