import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalColumns, salesRowSchema, type SalesRow } from '../../../protocols/data/sales-row.js';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { parseDrifts } from '../../../model-packager/data/generator/drift-options.js';
import { storeLocalesFileSchema } from '../../../model-packager/data/generator/store-locales.js';
import { loadSalesData, readStoreLocales } from '../../../model-packager/data/index.js';
import { isFleetcastError } from '../../../protocols/errors/index.js';
import { runCli } from '../../helpers/run-cli.js';

let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-data-generator-'));
});

const base = { stores: 6, items: 8, days: 120, start: '2023-01-01' };
const DRIFT_FROM = '2023-03-01';

async function generate(name: string, options: Partial<Parameters<typeof generateSalesData>[0]> = {}): Promise<{ rows: SalesRow[]; sha256: string; path: string }> {
  const out = join(dir, `${name}.csv`);
  const result = await generateSalesData({ ...base, seed: 42, out, ...options });
  const loaded = await loadSalesData(out, { failOnCritical: false });
  return { rows: loaded.rows, sha256: result.sha256, path: out };
}

function mean(rows: SalesRow[], value: (row: SalesRow) => number): number {
  return rows.reduce((sum, row) => sum + value(row), 0) / rows.length;
}

/** Mean units after the drift date divided by the mean before it. */
function afterOverBefore(rows: SalesRow[], value: (row: SalesRow) => number): number {
  return mean(rows.filter((row) => row.date >= DRIFT_FROM), value) / mean(rows.filter((row) => row.date < DRIFT_FROM), value);
}

test('same seed → same bytes (sha256), another seed → other bytes; the reported hash is the file hash', async (t) => {
  const first = await generateSalesData({ ...base, seed: 7, out: join(dir, 'a.csv') });
  const second = await generateSalesData({ ...base, seed: 7, out: join(dir, 'b.csv') });
  const other = await generateSalesData({ ...base, seed: 8, out: join(dir, 'c.csv') });
  t.is(first.sha256, second.sha256);
  t.not(first.sha256, other.sha256);
  t.is(createHash('sha256').update(await readFile(join(dir, 'a.csv'))).digest('hex'), first.sha256);
  t.is(first.rows, 6 * 8 * 120);
});

test('the file is canonical CSV that validates and parses as SalesRow, with every column filled', async (t) => {
  const out = join(dir, 'canonical.csv');
  await generateSalesData({ ...base, seed: 3, out });
  const text = await readFile(out, 'utf8');
  t.is(text.slice(0, text.indexOf('\n')), canonicalColumns.join(','));
  const loaded = await loadSalesData(out);
  t.true(loaded.report.success);
  t.is(loaded.rows.length, 6 * 8 * 120);
  t.is(loaded.dateFormat, 'YYYY-MM-DD');
  for (const row of loaded.rows.slice(0, 500)) t.true(salesRowSchema.safeParse(row).success);
  t.true(loaded.rows.every((row) => row.price !== undefined && row.promo !== undefined && row.tempC !== undefined && row.precipMm !== undefined && row.stockout !== undefined));
  t.true(loaded.rows.some((row) => row.stockout === true), 'stock-outs occur');
  t.true(loaded.rows.some((row) => row.promo === true), 'promotions occur');
  t.true(loaded.rows.some((row) => row.units === 0), 'slow items have zero days');
});

test('the store locales file matches the feature spec holiday shape and rotates through locales', async (t) => {
  const out = join(dir, 'locales.csv');
  const result = await generateSalesData({ ...base, seed: 1, out });
  const file = storeLocalesFileSchema.parse(JSON.parse(await readFile(`${out}.stores.json`, 'utf8')));
  t.deepEqual(file, result.storeLocales);
  t.deepEqual(file.storeLocales.S001, { country: 'DE', state: 'BY' });
  t.deepEqual(file.storeLocales.S002, { country: 'DE', state: 'BE' });
  t.deepEqual(file.storeLocales.S004, { country: 'US', state: 'CA' });
  t.is(Object.keys(file.storeLocales).length, 6);
});

test('public holidays cut demand in the store whose calendar has them (Epiphany: Bavaria yes, Berlin no)', async (t) => {
  const { rows } = await generate('holidays', { days: 14 });
  const units = (store: string, date: string): number => rows.filter((row) => row.store === store && row.date === date).reduce((sum, row) => sum + row.units, 0);
  // 2023-01-06 is a Friday; compare with the Friday after. S001 = DE/BY (holiday), S002 = DE/BE (no holiday).
  t.true(units('S001', '2023-01-06') < 0.5 * units('S001', '2023-01-13'));
  t.true(units('S002', '2023-01-06') > 0.6 * units('S002', '2023-01-13'));
});

test('demand-level drift multiplies mean units after the drift date by the configured factor', async (t) => {
  const clean = await generate('no-drift');
  const drifted = await generate('demand-drift', { driftFrom: DRIFT_FROM, drifts: [{ kind: 'demand-level', magnitude: 2 }] });
  const factor = afterOverBefore(drifted.rows, (row) => row.units) / afterOverBefore(clean.rows, (row) => row.units);
  t.true(Math.abs(factor - 2) < 0.1, `factor ${factor}`);
  // Before the drift the two files draw the same demand.
  const before = (rows: SalesRow[]): number => mean(rows.filter((row) => row.date < DRIFT_FROM), (row) => row.units);
  t.is(before(drifted.rows), before(clean.rows));
});

test('price-shift drift scales prices by its factor and lowers demand through elasticity', async (t) => {
  const clean = await generate('no-drift-2');
  const drifted = await generate('price-drift', { driftFrom: DRIFT_FROM, drifts: [{ kind: 'price-shift', magnitude: 1.25 }] });
  const priceFactor = afterOverBefore(drifted.rows, (row) => row.price ?? 0) / afterOverBefore(clean.rows, (row) => row.price ?? 0);
  t.true(Math.abs(priceFactor - 1.25) < 0.01, `price factor ${priceFactor}`);
  const unitFactor = afterOverBefore(drifted.rows, (row) => row.units) / afterOverBefore(clean.rows, (row) => row.units);
  t.true(unitFactor < 0.95, `unit factor ${unitFactor}`);
});

test('new-store drift adds stores that only have rows from the drift date', async (t) => {
  const { rows } = await generate('new-stores', { driftFrom: DRIFT_FROM, drifts: [{ kind: 'new-store', magnitude: 2 }] });
  const newRows = rows.filter((row) => row.store === 'S007' || row.store === 'S008');
  t.is(new Set(rows.map((row) => row.store)).size, 8);
  t.is(newRows.length, 2 * 8 * (120 - 59));
  t.is(newRows.map((row) => row.date).sort()[0], DRIFT_FROM);
});

test('broken-sensor drift freezes temperature and zeroes rain in the first stores only', async (t) => {
  const { rows } = await generate('sensor', { driftFrom: DRIFT_FROM, drifts: [{ kind: 'broken-sensor', magnitude: 0.34 }] });
  const after = (store: string): SalesRow[] => rows.filter((row) => row.store === store && row.date >= DRIFT_FROM);
  for (const store of ['S001', 'S002', 'S003']) {
    t.is(new Set(after(store).map((row) => row.tempC)).size, 1, store);
    t.true(after(store).every((row) => row.precipMm === 0));
  }
  t.true(new Set(after('S004').map((row) => row.tempC)).size > 10);
});

test('holiday-moved drift shifts the holiday dip by the configured days', async (t) => {
  // Easter Monday 2023-04-10 is a holiday in DE/BY; moved by 7 days the dip lands on 2023-04-17.
  const { rows } = await generate('holiday-moved', { driftFrom: DRIFT_FROM, drifts: [{ kind: 'holiday-moved', magnitude: 7 }] });
  const units = (date: string): number => rows.filter((row) => row.store === 'S001' && row.date === date).reduce((sum, row) => sum + row.units, 0);
  t.true(units('2023-04-17') < 0.5 * units('2023-04-24'));
  t.true(units('2023-04-10') > 0.6 * units('2023-04-24'));
});

test('drift specs parse with defaults and refuse unknown kinds with a code', (t) => {
  t.deepEqual(parseDrifts(['demand-level,new-store', 'price-shift=1.1'], 30), [
    { kind: 'demand-level', magnitude: 1.5 },
    { kind: 'new-store', magnitude: 3 },
    { kind: 'price-shift', magnitude: 1.1 },
  ]);
  const error = t.throws(() => parseDrifts(['weather-war'], 3));
  t.true(isFleetcastError(error));
  t.is((error as { code?: string }).code, 'FC_ERR_DATA_GENERATOR_OPTIONS');
});

test('fleetcast data generate --json writes the file and reports rows, hash and locales', async (t) => {
  const out = join(dir, 'cli.csv');
  const result = await runCli(['data', 'generate', '--stores', '2', '--items', '3', '--days', '10', '--seed', '5', '--out', out, '--json']);
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { rows: number; sha256: string; storesPath: string };
  t.is(report.rows, 60);
  t.is(report.sha256, createHash('sha256').update(await readFile(out)).digest('hex'));
  t.is(report.storesPath, `${out}.stores.json`);
});

test('readStoreLocales finds the locales beside a generated CSV and nothing beside other files', async (t) => {
  const out = join(dir, 'read-locales.csv');
  const result = await generateSalesData({ ...base, days: 2, seed: 2, out });
  t.deepEqual(await readStoreLocales(out), result.storeLocales);
  t.is(await readStoreLocales(join(dir, 'no-such.csv')), undefined);
});
