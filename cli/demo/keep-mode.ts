import { readFileSync, writeFileSync } from 'node:fs';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DemoSales } from './demo-sales.js';
import { PosSimulator, type SimulatedStore } from './pos-simulator.js';
import { nextSteps, type DemoReady } from './demo-ready.js';
import type { DemoEvents } from './run-demo.js';

/**
 * Writes the rows of `salesPath` up to its last date minus `futureDays` to `outPath` (the
 * training file of `demo --keep`); the days after the cutoff are the tills' simulated future.
 */
export function trainingCsv(salesPath: string, outPath: string, futureDays: number): { path: string; cutoff: string } {
  const lines = readFileSync(salesPath, 'utf8').split('\n').filter((line) => line.length > 0);
  const dateColumn = lines[0].split(',').indexOf('date');
  if (dateColumn < 0) throw new FleetcastError('FC_ERR_INTERNAL', `${salesPath} has no date column`);
  const dateOf = (line: string): string => line.split(',')[dateColumn];
  const last = lines.slice(1).reduce((max, line) => (dateOf(line) > max ? dateOf(line) : max), '');
  const cutoffDate = new Date(`${last}T00:00:00Z`);
  cutoffDate.setUTCDate(cutoffDate.getUTCDate() - futureDays);
  const cutoff = cutoffDate.toISOString().slice(0, 10);
  writeFileSync(outPath, `${[lines[0], ...lines.slice(1).filter((line) => dateOf(line) <= cutoff)].join('\n')}\n`);
  return { path: outPath, cutoff };
}

/** The running demo `keepRunning` announces and drives. */
export interface KeepInput {
  api: string;
  operatorToken: string;
  viewerToken: string;
  stores: Array<SimulatedStore & { metricsPort: number | null }>;
  sales: DemoSales;
  posBackend: 'aedes' | 'mosquitto';
  secondsPerDay: number;
  driftAfterDays: number;
}

/**
 * `demo --keep` after setup (issue #14): starts the tills' compressed clock, announces where
 * everything is and what to try, and runs until SIGINT/SIGTERM (Ctrl-C), then stops the tills;
 * the caller stops the daemons.
 */
export async function keepRunning(input: KeepInput, events: DemoEvents): Promise<void> {
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  process.once('SIGINT', wake);
  process.once('SIGTERM', wake);
  const simulator = await PosSimulator.start(input.stores, input.sales, {
    dayMs: input.secondsPerDay * 1_000,
    driftAfterDays: input.driftAfterDays,
    onError: (deviceId, error) => process.stderr.write(`demo: ${deviceId}: ${error.message}\n`),
  });
  try {
    const base: Omit<DemoReady, 'nextSteps'> = {
      event: 'demo-ready',
      dashboard: `${input.api}/`,
      api: input.api,
      operatorToken: input.operatorToken,
      viewerToken: input.viewerToken,
      metrics: { controller: `${input.api}/metrics`, agents: Object.fromEntries(input.stores.map((store) => [store.deviceId, store.metricsPort === null ? null : `http://127.0.0.1:${store.metricsPort}/metrics`])) },
      stores: input.stores.map((store) => ({ deviceId: store.deviceId, store: store.store, posUrl: `mqtt://127.0.0.1:${store.posPort}`, posBackend: input.posBackend, username: store.posUser.username, password: store.posUser.password })),
      simulation: { secondsPerDay: input.secondsPerDay, driftStore: input.driftAfterDays > 0 ? input.stores[0]?.store ?? null : null, driftAfterDays: input.driftAfterDays },
    };
    const firstStore = input.stores[0];
    const sample = { store: firstStore.store, item: input.sales.items[0], date: input.sales.futureDays[0] ?? input.sales.lastDate };
    events.onReady?.({ ...base, nextSteps: nextSteps(base, sample) });
    await stopRequested;
  } finally {
    process.off('SIGINT', wake);
    process.off('SIGTERM', wake);
    await simulator.stop();
  }
}
