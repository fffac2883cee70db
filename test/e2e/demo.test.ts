import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

interface DemoJson {
  ok: boolean;
  metrics: { modelWape: number; seasonalNaiveWape: number; improvement: number };
  stores: Array<{ deviceId: string; store: string; servedBy: { name: string; version: number }; forecasts: Array<{ item: string; date: string; value: number }> }>;
  fleetAccuracy: { n: number; devices: number; wape: number | null };
}

test('fleetcast demo runs the whole pipeline: every simulated store answers its POS with the deployed model and reports its accuracy upstream', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'fc-demo-')), 'demo');
  const result = await runCli(['demo', '--dir', dir, '--stores', '2', '--items', '5', '--days', '420', '--seed', '3', '--json'], { timeoutMs: 170_000 });
  t.is(result.code, 0, result.stdout + result.stderr.slice(-2000));
  const demo = JSON.parse(result.stdout) as DemoJson;
  t.true(demo.ok);
  t.true(demo.metrics.modelWape < demo.metrics.seasonalNaiveWape);
  t.deepEqual(demo.stores.map((s) => [s.deviceId, s.store]), [['store-0001', 'S001'], ['store-0002', 'S002']]);
  for (const store of demo.stores) {
    t.deepEqual(store.servedBy, { name: 'daily-units', version: 1 });
    t.deepEqual(store.forecasts.map((f) => f.item), ['I0001', 'I0002', 'I0003', 'I0004', 'I0005']);
    for (const forecast of store.forecasts) t.true(Number.isFinite(forecast.value) && forecast.value >= 0);
  }
  // Every forecast was scored on the device against the day's actuals and reached the controller.
  t.is(demo.fleetAccuracy.n, 10);
  t.is(demo.fleetAccuracy.devices, 2);
  t.true(demo.fleetAccuracy.wape !== null && demo.fleetAccuracy.wape > 0 && demo.fleetAccuracy.wape < 1);
});
