import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSalesData, loadSalesData } from '../../../model-packager/data/index.js';
import { isFleetcastError } from '../../../protocols/errors/index.js';
import { runCli } from '../../helpers/run-cli.js';

let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-data-transactions-'));
});

async function csv(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

// Order lines: I1 sells on the 1st (two lines) and the 4th, I2 on the 2nd (two lines) and 3rd.
const ORDER_LINES = ['date,store,item,units,price,promo', '2024-01-01,S1,I1,10.5,5.25,false', '2024-01-01,S1,I1,5.25,5.25,true', '2024-01-04,S1,I1,7,7,false', '2024-01-02,S1,I2,1,3,false', '2024-01-02,S1,I2,2,3,false', '2024-01-03,S1,I2,3,3,false'];
const ORDERS = `${ORDER_LINES.join('\n')}\n`;

test('transactions: days without rows inside a series are zero-sales days carrying the last price; none outside its range', async (t) => {
  const loaded = await loadSalesData(await csv('orders.csv', ORDERS), { granularity: 'transactions' });
  // A line without units on the 6th is a day to forecast, not a sale (validation flags its null units).
  const withFuture = await loadSalesData(await csv('orders-future.csv', `${ORDERS}2024-01-06,S1,I1,,7,false\n`), { granularity: 'transactions', failOnCritical: false });
  t.deepEqual(loaded.rows, [
    { date: '2024-01-01', store: 'S1', item: 'I1', units: 15.75, price: 5.25, promo: true },
    { date: '2024-01-02', store: 'S1', item: 'I1', units: 0, price: 5.25, promo: true },
    { date: '2024-01-03', store: 'S1', item: 'I1', units: 0, price: 5.25, promo: true },
    { date: '2024-01-04', store: 'S1', item: 'I1', units: 7, price: 7, promo: false },
    { date: '2024-01-02', store: 'S1', item: 'I2', units: 3, price: 3, promo: false },
    { date: '2024-01-03', store: 'S1', item: 'I2', units: 3, price: 3, promo: false },
  ]);
  t.deepEqual(withFuture.rows, loaded.rows);
  t.deepEqual(withFuture.unitless, [{ date: '2024-01-06', store: 'S1', item: 'I1', price: 7, promo: false }], 'the day after the last sale is not filled; the unit-less key is kept to forecast');
  t.is(loaded.report.statistics.zeroFilledDays, 2);
  t.is(loaded.report.results.find((r) => r.expectation === 'expect_series_to_have_no_missing_days')?.unexpectedCount, 0);
});

test('a transaction file read as daily is refused with a code that names --granularity', async (t) => {
  const error = await t.throwsAsync(loadSalesData(await csv('orders-daily.csv', ORDERS)));
  t.true(isFleetcastError(error) && error.code === 'FC_ERR_DATA_LOOKS_LIKE_TRANSACTIONS');
  t.is((error as { details?: { flag?: string } }).details?.flag, '--granularity transactions');
  const cli = await runCli(['data', 'validate', join(dir, 'orders-daily.csv'), '--json']);
  t.is(cli.code, 65);
  t.is(JSON.parse(cli.stdout).error.code, 'FC_ERR_DATA_LOOKS_LIKE_TRANSACTIONS');
});

test('data aggregate writes the daily table that training reads', async (t) => {
  const out = join(dir, 'orders-daily-table.csv');
  const cli = await runCli(['data', 'aggregate', join(dir, 'orders.csv'), '--granularity', 'transactions', '--out', out, '--json']);
  t.is(cli.code, 0, cli.stderr);
  t.like(JSON.parse(cli.stdout), { ok: true, sourceRows: 6, dailyRows: 6, zeroFilledDays: 2, series: 2 });
  t.is((await readFile(out, 'utf8')).split('\n')[2], '2024-01-02,S1,I1,0,5.25,true');
  const reread = await loadSalesData(out);
  const direct = await loadSalesData(join(dir, 'orders.csv'), { granularity: 'transactions' });
  t.deepEqual(reread.rows, direct.rows);
});

test('generator: intermittent transactions are order lines in currency, several a day, 60–80 % zero days once aggregated', async (t) => {
  const out = join(dir, 'intermittent.csv');
  await generateSalesData({ stores: 3, items: 3, days: 365, seed: 5, out, profile: 'intermittent', granularity: 'transactions' });
  const lines = (await readFile(out, 'utf8')).trim().split('\n');
  t.is(lines[0], 'date,store,item,units,price,promo');
  const keys = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const key = line.split(',').slice(0, 3).join(',');
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  t.true([...keys.values()].some((count) => count >= 3), 'some days have several order lines');
  const daily = await loadSalesData(out, { granularity: 'transactions' });
  const zeroShare = daily.rows.filter((row) => row.units === 0).length / daily.rows.length;
  t.true(zeroShare >= 0.6 && zeroShare <= 0.8, `zero share ${zeroShare}`);
  t.true(daily.rows.some((row) => !Number.isInteger(row.units)), 'sales are money, not units');
});

test('generator: retail transactions sum to the daily file of the same seed', async (t) => {
  const options = { stores: 2, items: 3, days: 60, seed: 9 };
  await generateSalesData({ ...options, out: join(dir, 'retail-daily.csv') });
  await generateSalesData({ ...options, out: join(dir, 'retail-tx.csv'), granularity: 'transactions' });
  const daily = await loadSalesData(join(dir, 'retail-daily.csv'));
  const summed = await loadSalesData(join(dir, 'retail-tx.csv'), { granularity: 'transactions' });
  const unitsOf = (rows: typeof daily.rows) => new Map(rows.map((row) => [`${row.store}/${row.item}/${row.date}`, row.units]));
  const expected = unitsOf(daily.rows);
  for (const [key, units] of unitsOf(summed.rows)) t.is(units, expected.get(key) ?? Number.NaN, key);
  t.true(summed.rows.length > 0.9 * daily.rows.length);
});
