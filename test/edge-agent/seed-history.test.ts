import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { fromEpochDay, toEpochDay } from '../../protocols/features/epoch-day.js';
import { SalesHistory, type HistoryActual } from '../../protocols/features/sales-history.js';
import { scoreResponseMessageSchema, type ScoreResult } from '../../protocols/messages/pos/score-response.js';
import { runCli } from '../helpers/run-cli.js';
import { makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

/**
 * `fleetcast agent seed-history` (issue #10): an offline store seeded from a transaction-level
 * CSV answers with full history features, equal to onnxruntime over the same daily history,
 * and every reply says how complete the history was.
 */
const LAST = '2026-11-20';
const DAYS = 30;

/** Two transactions per (store, item, day) for DAYS days ending at LAST; the daily sum is `units`. */
function transactions(): { csv: string; daily: HistoryActual[] } {
  const lines = ['Order Date,Region,Product,Qty'];
  const daily: HistoryActual[] = [];
  for (let d = 0; d < DAYS; d += 1) {
    const date = fromEpochDay(toEpochDay(LAST) - d);
    for (const [s, store] of ['s1', 's2'].entries()) {
      for (const [i, item] of ['i1', 'i2'].entries()) {
        const a = (d * 3 + s * 5 + i) % 7;
        const b = (d + s + i * 2) % 4;
        lines.push(`${date},${store},${item},${a}`, `${date},${store},${item},${b}`);
        daily.push({ store, item, date, units: a + b });
      }
    }
  }
  return { csv: `${lines.join('\n')}\n`, daily };
}

test('seed-history from transactions gives full-history forecasts; replies say full, partial or none', async (t) => {
  const { root, bundle, modelDir } = await makeModelDir('gbdt');
  const { csv, daily } = transactions();
  const csvPath = join(root, 'orders.csv');
  await writeFile(csvPath, csv);
  const configPath = await writeAgentConfig(root);
  const seeded = await runCli(['agent', 'seed-history', '--data', csvPath, '--config', configPath, '--map', 'date=Order Date', '--map', 'store=Region', '--map', 'item=Product', '--map', 'target=Qty', '--granularity', 'transactions', '--days', '14', '--json']);
  t.is(seeded.code, 0, seeded.stdout + seeded.stderr);
  const result = JSON.parse(seeded.stdout) as { rows: number; added: number; to: string };
  t.is(result.rows, 14 * 4);
  t.is(result.added, 14 * 4);
  t.is(result.to, LAST);
  const again = await runCli(['agent', 'seed-history', '--data', csvPath, '--config', configPath, '--map', 'date=Order Date', '--map', 'store=Region', '--map', 'item=Product', '--map', 'target=Qty', '--granularity', 'transactions', '--days', '14', '--json']);
  t.is((JSON.parse(again.stdout) as { added: number }).added, 0, 'seeding again adds nothing');

  const agent = await startAgentProcess(configPath);
  t.teardown(() => agent.stop());
  const client = await connectPos(agent.posPort, 'till-seed');
  t.teardown(() => client.endAsync());
  const inbox = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-seed']);
  const next = fromEpochDay(toEpochDay(LAST) + 1);
  const far = fromEpochDay(toEpochDay(LAST) + 60);
  const ask = async (requestId: string, rows: Array<{ store: string; item: string; date: string }>): Promise<ScoreResult> => {
    await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(rows, { requestId })));
    await waitFor(() => inbox.some((m) => m.message.requestId === requestId), 10_000, requestId);
    const reply = scoreResponseMessageSchema.parse(inbox.find((m) => m.message.requestId === requestId)!.message);
    if (reply.type !== 'score-result') throw new Error(JSON.stringify(reply));
    return reply;
  };
  const rows = [{ store: 's1', item: 'i1', date: next }, { store: 's2', item: 'i2', date: next }];
  const full = await ask('full', rows);
  t.is(full.history, 'full');
  const window = daily.filter((row) => toEpochDay(row.date) > toEpochDay(LAST) - 14);
  const { matrix, names } = buildFeatureMatrix(bundle.manifest.featureSpec, SalesHistory.fromRows(window), rows);
  const session = await ort.InferenceSession.create(join(modelDir, 'model.onnx'));
  const out = await session.run({ [bundle.manifest.input.name]: new ort.Tensor('float32', matrix, [rows.length, names.length]) });
  await session.release();
  const expected = Array.from(out[bundle.manifest.output.name].data as Float32Array);
  full.predictions.forEach((p, i) => t.is(p.value, expected[i], `row ${i}`));
  t.is((await ask('partial', [rows[0], { store: 's1', item: 'i1', date: far }])).history, 'partial');
  t.is((await ask('none', [{ store: 's2', item: 'i1', date: far }])).history, 'none');
});

test('seed-history refuses an out-of-bounds window with a code', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const csvPath = join(root, 'orders.csv');
  await writeFile(csvPath, transactions().csv);
  const result = await runCli(['agent', 'seed-history', '--data', csvPath, '--data-dir', join(root, 'data'), '--map', 'date=Order Date', '--map', 'store=Region', '--map', 'item=Product', '--map', 'target=Qty', '--granularity', 'transactions', '--days', '99999', '--json']);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_AGENT_HISTORY_INVALID');
  t.is(result.code, 65);
});
