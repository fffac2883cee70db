import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBatchCsv } from '../../../cloud-controller/predict/batch-csv.js';
import { loadSalesData } from '../../../model-packager/data/index.js';

test('predict --granularity transactions reads the daily table training reads: zero-sales days feed lags, unit-less days are forecast', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-batch-tx-'));
  const path = join(dir, 'orders.csv');
  await writeFile(path, ['date,store,item,units,price', '2024-01-01,S1,I1,4,2', '2024-01-01,S1,I1,6,2', '2024-01-04,S1,I1,2,2', '2024-01-05,S1,I1,,2', ''].join('\n'));
  const input = await readBatchCsv(path, 'transactions');
  const training = await loadSalesData(path, { granularity: 'transactions', failOnCritical: false });
  t.deepEqual(input.history.map((h) => [h.date, h.units]), training.rows.map((row) => [row.date, row.units]));
  t.deepEqual(input.history.map((h) => [h.date, h.units]), [['2024-01-01', 10], ['2024-01-02', 0], ['2024-01-03', 0], ['2024-01-04', 2]]);
  t.deepEqual(input.rows.map((r) => [r.row.date, r.units]), [['2024-01-01', 10], ['2024-01-02', 0], ['2024-01-03', 0], ['2024-01-04', 2], ['2024-01-05', undefined]]);
});
