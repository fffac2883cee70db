import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSalesData, parseColumnMap } from '../../../model-packager/data/index.js';
import { detectDateFormat, parseDate, dayOfIsoDate } from '../../../model-packager/data/ingest/date-formats.js';
import { isFleetcastError } from '../../../protocols/errors/index.js';

let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-data-ingest-'));
});

async function csv(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

// Transaction-level export of a shop system: day-first dates with times, custom headers, a
// quoted header with a comma, rows out of order.
const transactions = [
  'Order Date,Region,Category,Sales,"Unit Price, EUR",On Promo,Ignored',
  '13/01/2024 09:15,North,Tea,2,3.50,no,x',
  '13/01/2024 17:40,North,Tea,3,4.50,yes,x',
  '12/01/2024,North,Tea,1,3.00,no,x',
  '13/01/2024 12:00,South,Tea,4,3.00,no,x',
  '13/01/2024 12:05,North,Coffee,7,8.00,no,x',
  '12/01/2024 08:00,North,Tea,6,3.40,no,x',
  '14/01/2024,North,Tea,0,3.00,,x',
].join('\n');

test('column mapping + transaction aggregation + day-first detection give exact daily totals', async (t) => {
  const path = await csv('transactions.csv', `${transactions}\n`);
  const map = parseColumnMap(['date="Order Date",store=Region,item=Category,target=Sales', 'price="Unit Price, EUR",promo=On Promo']);
  const loaded = await loadSalesData(path, { map, granularity: 'transactions' });
  t.is(loaded.dateFormat, 'DD/MM/YYYY');
  t.deepEqual(loaded.rows, [
    { date: '2024-01-13', store: 'North', item: 'Coffee', units: 7, price: 8, promo: false },
    { date: '2024-01-12', store: 'North', item: 'Tea', units: 7, price: 3.2, promo: false },
    { date: '2024-01-13', store: 'North', item: 'Tea', units: 5, price: 4, promo: true },
    { date: '2024-01-14', store: 'North', item: 'Tea', units: 0, price: 3 },
    { date: '2024-01-13', store: 'South', item: 'Tea', units: 4, price: 3, promo: false },
  ]);
  const unique = loaded.report.results.find((result) => result.expectation === 'expect_compound_columns_to_be_unique');
  t.is(unique?.unexpectedCount, 0);
  t.false(unique?.critical);
  t.is(loaded.report.statistics.sourceRows, 7);
  t.is(loaded.report.statistics.dailyRows, 5);
  t.deepEqual(loaded.report.statistics.columns, { date: 'Order Date', store: 'Region', item: 'Category', units: 'Sales', price: 'Unit Price, EUR', promo: 'On Promo' });
});

test('a few repeated keys in a daily file are counted as duplicates (many are refused: transactions.test.ts)', async (t) => {
  // 2 repeats in 12 rows stay below the share that marks a transaction file.
  const more = ['15/01/2024,North,Tea,1,3.00,no,x', '16/01/2024,North,Tea,1,3.00,no,x', '17/01/2024,North,Tea,1,3.00,no,x', '18/01/2024,North,Tea,1,3.00,no,x', '19/01/2024,North,Tea,1,3.00,no,x'];
  const path = await csv('transactions-daily.csv', `${transactions}\n${more.join('\n')}\n`);
  const map = parseColumnMap(['date=Order Date,store=Region,item=Category,target=Sales']);
  const loaded = await loadSalesData(path, { map, failOnCritical: false });
  const unique = loaded.report.results.find((result) => result.expectation === 'expect_compound_columns_to_be_unique');
  t.is(unique?.unexpectedCount, 2);
  t.deepEqual(unique?.sample.map((sample) => sample.row), [2, 6]);
  t.false(loaded.report.success);
});

test('month-first dates are detected from a day field above 12', async (t) => {
  const path = await csv('us.csv', 'date,store,item,units\n01/02/2024,S1,I1,1\n01/13/2024,S1,I1,2\n');
  const loaded = await loadSalesData(path, { failOnCritical: false });
  t.is(loaded.dateFormat, 'MM/DD/YYYY');
  t.deepEqual(loaded.rows.map((row) => row.date), ['2024-01-02', '2024-01-13']);
});

test('compact YYYYMMDD and ISO datetimes are detected; datetimes keep the written calendar day', async (t) => {
  const compact = await loadSalesData(await csv('compact.csv', 'date,store,item,units\n20240131,S1,I1,1\n20240201,S1,I1,2\n'));
  t.is(compact.dateFormat, 'YYYYMMDD');
  t.deepEqual(compact.rows.map((row) => row.date), ['2024-01-31', '2024-02-01']);
  const iso = await loadSalesData(await csv('iso.csv', 'date,store,item,units\n2024-01-31T23:30:00-05:00,S1,I1,1\n2024-02-01T00:10:00Z,S1,I1,2\n'));
  t.is(iso.dateFormat, 'YYYY-MM-DDTHH:MM:SS');
  t.deepEqual(iso.rows.map((row) => row.date), ['2024-01-31', '2024-02-01']);
});

test('when every date fits both orders, the reading with the shorter span wins', (t) => {
  // Consecutive days 1..12 January written day-first: month-first would spread them over a year.
  const dayFirst = Array.from({ length: 12 }, (_, index) => `${String(index + 1).padStart(2, '0')}/01/2024`);
  t.is(detectDateFormat(dayFirst)?.format, 'DD/MM/YYYY');
  const monthFirst = Array.from({ length: 12 }, (_, index) => `01/${String(index + 1).padStart(2, '0')}/2024`);
  t.is(detectDateFormat(monthFirst)?.format, 'MM/DD/YYYY');
  t.deepEqual(detectDateFormat(['03/05/2024']), { format: 'DD/MM/YYYY', parsed: 1, distinct: 1, ambiguous: true });
  t.is(detectDateFormat(['soon', 'later']), undefined);
});

test('impossible calendar dates do not parse', (t) => {
  t.true(Number.isNaN(parseDate('2023-02-29', 'YYYY-MM-DD')));
  t.is(parseDate('2024-02-29', 'YYYY-MM-DD'), dayOfIsoDate('2024-02-29'));
  t.true(Number.isNaN(parseDate('31/04/2024', 'DD/MM/YYYY')));
  t.is(parseDate('29.02.2024', 'DD/MM/YYYY'), dayOfIsoDate('2024-02-29'));
});

test('a forced date format overrides detection', async (t) => {
  const path = await csv('forced.csv', 'date,store,item,units\n01/02/2024,S1,I1,1\n');
  const loaded = await loadSalesData(path, { dateFormat: 'MM/DD/YYYY' });
  t.deepEqual(loaded.rows.map((row) => row.date), ['2024-01-02']);
});

test('rows are sorted by store, item, date whatever the file order', async (t) => {
  const path = await csv('unsorted.csv', 'date,store,item,units\n2024-01-02,S2,I1,1\n2024-01-01,S2,I1,2\n2024-01-01,S1,I2,3\n2024-01-01,S1,I1,4\n2024-01-02,S1,I1,5\n');
  const loaded = await loadSalesData(path);
  t.deepEqual(
    loaded.rows.map((row) => `${row.store}/${row.item}/${row.date}/${row.units}`),
    ['S1/I1/2024-01-01/4', 'S1/I1/2024-01-02/5', 'S1/I2/2024-01-01/3', 'S2/I1/2024-01-01/2', 'S2/I1/2024-01-02/1'],
  );
});

test('a BOM, CRLF line ends and null markers are read as text, not garbage', async (t) => {
  const path = await csv('bom.csv', '\uFEFFdate,store,item,units,price\r\n2024-01-01,S1,I1,3,NA\r\n2024-01-02,S1,I1,4,2.5\r\n');
  const loaded = await loadSalesData(path);
  t.deepEqual(loaded.rows, [
    { date: '2024-01-01', store: 'S1', item: 'I1', units: 3 },
    { date: '2024-01-02', store: 'S1', item: 'I1', units: 4, price: 2.5 },
  ]);
});

test('ids that would break the topic tree are type errors and their rows are left out', async (t) => {
  const path = await csv('ids.csv', 'date,store,item,units\n2024-01-01,S/1,I1,3\n2024-01-01,S1,I#1,3\n2024-01-01,S1,I1,3\n');
  const loaded = await loadSalesData(path, { failOnCritical: false });
  const storeType = loaded.report.results.find((result) => result.expectation === 'expect_column_values_to_be_of_type' && result.column === 'store');
  const itemType = loaded.report.results.find((result) => result.expectation === 'expect_column_values_to_be_of_type' && result.column === 'item');
  t.is(storeType?.unexpectedCount, 1);
  t.is(itemType?.unexpectedCount, 1);
  t.is(loaded.rows.length, 1);
});

test('column maps: quoted sources, the target alias, and coded errors for bad specs', (t) => {
  t.deepEqual(parseColumnMap(['date="Order, Date",target=Sales', 'store=Shop']), { date: 'Order, Date', units: 'Sales', store: 'Shop' });
  for (const bad of ['colour=Hue', 'date', 'date=', 'date=A,date=B']) {
    const error = t.throws(() => parseColumnMap([bad]));
    t.true(isFleetcastError(error), bad);
    t.is((error as { code?: string }).code, 'FC_ERR_DATA_MAPPING_INVALID', bad);
  }
});

test('semicolon files with decimal commas are read (delimiter sniffed from the header)', async (t) => {
  const path = await csv('semicolon.csv', 'Datum;Filiale;Artikel;Menge;Preis\n31.01.2024;Berlin;Brot;3;2,49\n01.02.2024;Berlin;Brot;5;2,49\n');
  const map = parseColumnMap(['date=Datum,store=Filiale,item=Artikel,target=Menge,price=Preis']);
  const loaded = await loadSalesData(path, { map });
  t.is(loaded.report.statistics.delimiter, ';');
  t.is(loaded.dateFormat, 'DD/MM/YYYY');
  t.deepEqual(loaded.rows, [
    { date: '2024-01-31', store: 'Berlin', item: 'Brot', units: 3, price: 2.49 },
    { date: '2024-02-01', store: 'Berlin', item: 'Brot', units: 5, price: 2.49 },
  ]);
});

test('tab-separated files are read', async (t) => {
  const loaded = await loadSalesData(await csv('tabs.tsv', 'date\tstore\titem\tunits\n2024-01-01\tS1\tI1\t2\n'));
  t.is(loaded.report.statistics.delimiter, '\t');
  t.deepEqual(loaded.rows, [{ date: '2024-01-01', store: 'S1', item: 'I1', units: 2 }]);
});
