import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';

/** A CSV in a shop system's own words (issue #11: unfamiliar headers gave no hint about --map). */
async function foreignCsv(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fc-map-hint-'));
  const path = join(dir, 'orders.csv');
  await writeFile(path, 'Order Date,Region,Category,Sales\n2024-01-01,north,tea,3\n2024-01-02,north,tea,4\n');
  return path;
}

test('data validate names the missing columns, the file\'s own and a --map to try', async (t) => {
  const result = await runCli(['data', 'validate', await foreignCsv()]);
  t.is(result.code, 1);
  t.regex(result.stdout, /missing date, store, item, units; the file's columns are "Order Date", Region, Category, Sales: name them with --map, e\.g\. --map date="Order Date"/);
});

test('train refuses the file with FC_ERR_DATA_VALIDATION_FAILED and the same --map hint', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-map-hint-runs-'));
  const result = await runCli(['train', '--data', await foreignCsv(), '--runs-db', join(dir, 'runs.db'), '--json']);
  const error = (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
  t.is(error.code, 'FC_ERR_DATA_VALIDATION_FAILED');
  t.regex(error.message, /--map date="Order Date"/);
});
