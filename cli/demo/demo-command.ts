import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import type { DemoResult } from './run-demo.js';
import type { DemoReady } from './demo-ready.js';

/** `fleetcast demo`: the whole pipeline on one machine with simulated stores. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run everything on one machine: data → train → signed bundle → controller → store agents → POS forecasts')
    .option('--dir <dir>', 'working folder (wiped first)', '.fleetcast/demo')
    .option('--stores <n>', 'simulated stores, one agent each (default 3; 5 with --keep)')
    .option('--items <n>', 'items per store', '10')
    .option('--days <n>', 'days of sales history', '540')
    .option('--seed <n>', 'generator seed', '7')
    .option('--keep', 'keep everything running until Ctrl-C: dashboard, tokens, POS tills on a compressed clock, drift in one store (npm start)')
    .option('--port <n>', 'REST API and dashboard port (default: any free port)')
    .option('--seconds-per-day <n>', 'with --keep: wall-clock seconds per simulated sales day', '5')
    .option('--drift-after-days <n>', 'with --keep: simulated days before the first store\'s prices drift (0: never)', '20')
    .option('--json', 'print JSON: with --keep one line when the dashboard serves and one when ready, then the result at exit')
    .action((options: { dir: string; stores?: string; items: string; days: string; seed: string; keep?: boolean; port?: string; secondsPerDay: string; driftAfterDays: string; json?: boolean }) =>
      runCommand(
        options,
        async () => {
          // Loaded when the demo runs, so `--help` stays fast (issue #9).
          const [{ runDemo }, { renderReady }] = await Promise.all([import('./run-demo.js'), import('./demo-ready.js')]);
          return runDemo(
            {
              dir: options.dir,
              stores: Number(options.stores ?? (options.keep ? 5 : 3)),
              items: Number(options.items),
              days: Number(options.days),
              seed: Number(options.seed),
              keep: Boolean(options.keep),
              port: options.port === undefined ? undefined : Number(options.port),
              secondsPerDay: Number(options.secondsPerDay),
              driftAfterDays: Number(options.driftAfterDays),
            },
            createProgress({ json: Boolean(options.json) }),
            {
              onDashboard: (event) => process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `dashboard at ${event.dashboard}  (operator token ${event.operatorToken}); stores come up while the model trains\n`),
              onReady: (ready: DemoReady) => process.stdout.write(options.json ? `${JSON.stringify(ready)}\n` : `${renderReady(ready)}\n`),
            },
          );
        },
        renderDemo,
      ),
    );
}

function renderDemo(result: DemoResult): string {
  const lines = [
    `fleetcast demo — everything ran on this machine (${result.dir})`,
    `  trained run ${result.runId}: WAPE ${(result.metrics.modelWape * 100).toFixed(1)}% vs seasonal naive ${(result.metrics.seasonalNaiveWape * 100).toFixed(1)}% (${(result.metrics.improvement * 100).toFixed(0)}% better)`,
    `  signed bundle ${result.bundle.path} (${result.bundle.sha256.slice(0, 12)}…)`,
    `  controller API ${result.controller.api}, broker ${result.controller.broker}; deployment ${result.deploymentId}`,
  ];
  for (const store of result.stores) {
    lines.push(`  ${store.deviceId} (store ${store.store}, POS port ${store.posPort}) serving ${store.servedBy.name} v${store.servedBy.version}:`);
    for (const forecast of store.forecasts.slice(0, 5)) lines.push(`      ${forecast.date} ${forecast.item.padEnd(8)} ${forecast.value.toFixed(2)} units`);
    if (store.forecasts.length > 5) lines.push(`      … ${store.forecasts.length - 5} more items`);
  }
  const accuracy = result.fleetAccuracy;
  lines.push(`  end of day: the stores scored their own ${accuracy.n} forecasts against the actuals and reported upstream —`);
  lines.push(`      fleet WAPE ${accuracy.wape === null ? 'n/a' : `${(accuracy.wape * 100).toFixed(1)}%`}, MAE ${accuracy.mae === null ? 'n/a' : accuracy.mae.toFixed(2)} units over ${accuracy.devices} devices (${result.telemetryRecords} telemetry records ingested)`);
  return lines.join('\n');
}
