import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { loadSalesData, type ExpectationResult, type ValidationReport } from '../../../model-packager/data/index.js';
import { isFleetcastError } from '../../../protocols/errors/index.js';
import { parseThresholds } from '../../../model-packager/data/validation/thresholds.js';
import { runCli } from '../../helpers/run-cli.js';

// 4 stores × 5 items × 60 days = 1200 data lines; line i of `lines` (i ≥ 1) is data row i.
let dir: string;
let lines: string[];

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-data-defects-'));
  const out = join(dir, 'clean.csv');
  await generateSalesData({ stores: 4, items: 5, days: 60, seed: 11, out });
  lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
});

/** Writes a copy of the clean file after `edit` and validates it without throwing. */
async function validateEdited(name: string, edit: (rows: string[][]) => string[][]): Promise<ValidationReport> {
  const rows = edit(lines.map((line) => line.split(',')));
  const path = join(dir, `${name}.csv`);
  await writeFile(path, `${rows.map((row) => row.join(',')).join('\n')}\n`);
  return (await loadSalesData(path, { failOnCritical: false })).report;
}

function find(report: ValidationReport, expectation: string, column?: string): ExpectationResult {
  const result = report.results.find((entry) => entry.expectation === expectation && entry.column === column);
  if (!result) throw new Error(`no result for ${expectation} ${column}`);
  return result;
}

const UNITS = 3;

test('the clean generated file passes every critical expectation', async (t) => {
  const report = await validateEdited('clean', (rows) => rows);
  t.true(report.success);
  t.is(report.statistics.sourceRows, 1200);
  t.is(report.statistics.dailyRows, 1200);
  t.is(report.statistics.series, 20);
  t.is(report.statistics.dateMin, '2023-01-01');
  t.is(report.statistics.dateMax, '2023-03-01');
  for (const result of report.results) t.is(result.unexpectedCount === 0 || !result.critical, true, result.expectation);
});

test('a missing column fails the schema expectation with count 1 and names it', async (t) => {
  const report = await validateEdited('no-units', (rows) => rows.map((row) => row.filter((_, column) => column !== UNITS)));
  const schema = find(report, 'expect_table_columns_to_include');
  t.false(report.success);
  t.false(schema.success);
  t.true(schema.critical);
  t.is(schema.unexpectedCount, 1);
  t.is(schema.elementCount, 4);
  t.deepEqual(schema.sample, [{ value: 'units' }]);
});

test('negative sales are counted exactly by the units range expectation', async (t) => {
  const targets = [5, 17, 300, 301, 999, 1000, 1200];
  const report = await validateEdited('negative', (rows) => rows.map((row, index) => (targets.includes(index) ? row.with(UNITS, '-2') : row)));
  const range = find(report, 'expect_column_values_to_be_between', 'units');
  t.false(report.success);
  t.false(range.success);
  t.is(range.unexpectedCount, 7);
  t.is(range.elementCount, 1200);
  t.deepEqual(
    range.sample.map((sample) => [sample.row, sample.value]),
    targets.slice(0, 5).map((row) => [row, -2]),
  );
});

test('duplicate (store, item, date) keys are counted by the uniqueness expectation', async (t) => {
  const report = await validateEdited('duplicates', (rows) => [...rows, rows[10], rows[10], rows[500], rows[1200]]);
  const unique = find(report, 'expect_compound_columns_to_be_unique', 'store,item,date');
  t.false(report.success);
  t.is(unique.unexpectedCount, 4);
  t.is(unique.elementCount, 1204);
  t.deepEqual(unique.sample.map((sample) => sample.row), [1201, 1202, 1203, 1204]);
  t.is(report.statistics.dailyRows, 1200);
});

test('missing days inside a series are counted by the completeness expectation', async (t) => {
  // Rows are date-major with 20 rows a day: rows 21..40 are day 2, so these are interior days of 6 series.
  const dropped = new Set([21, 45, 222, 623, 624, 1000]);
  const report = await validateEdited('gaps', (rows) => rows.filter((_, index) => !dropped.has(index)));
  const complete = find(report, 'expect_series_to_have_no_missing_days', 'date');
  t.false(complete.success);
  t.false(complete.critical);
  t.true(report.success);
  t.is(complete.unexpectedCount, 6);
  t.is(complete.elementCount, 1200);
  t.deepEqual(complete.sample[0], { store: 'S001', item: 'I0001', date: '2023-01-02', value: null });
});

test('NaN cells are nulls: counted per column, critical for units only', async (t) => {
  const report = await validateEdited('nan', (rows) =>
    rows.map((row, index) => ([3, 4, 5, 6, 700].includes(index) ? row.with(UNITS, 'NaN') : [8, 9, 10].includes(index) ? row.with(4, 'NaN') : row)),
  );
  const unitsNull = find(report, 'expect_column_values_to_not_be_null', 'units');
  const priceNull = find(report, 'expect_column_values_to_not_be_null', 'price');
  t.false(report.success);
  t.is(unitsNull.unexpectedCount, 5);
  t.false(unitsNull.success);
  t.is(priceNull.unexpectedCount, 3);
  t.true(priceNull.success, 'price nulls stay under maxOptionalNullShare');
  t.is(find(report, 'expect_column_values_to_be_of_type', 'units').unexpectedCount, 0);
});

test('unparseable dates are counted by the date type expectation', async (t) => {
  const report = await validateEdited('bad-dates', (rows) =>
    rows.map((row, index) => (index === 50 ? row.with(0, '2023-02-30') : index === 51 ? row.with(0, 'yesterday') : index === 900 ? row.with(0, '2023-13-01') : row)),
  );
  const dates = find(report, 'expect_column_values_to_be_of_type', 'date');
  t.false(report.success);
  t.is(dates.unexpectedCount, 3);
  t.deepEqual(dates.sample.map((sample) => sample.value), ['2023-02-30', 'yesterday', '2023-13-01']);
  t.is(report.statistics.dateFormat, 'YYYY-MM-DD');
});

test('non-numeric units are type errors, not nulls', async (t) => {
  const report = await validateEdited('text-units', (rows) => rows.map((row, index) => ([100, 101].includes(index) ? row.with(UNITS, 'lots') : row)));
  t.is(find(report, 'expect_column_values_to_be_of_type', 'units').unexpectedCount, 2);
  t.is(find(report, 'expect_column_values_to_not_be_null', 'units').unexpectedCount, 0);
});

test('dates outside the bounds are counted by the date range expectation', async (t) => {
  const report = await validateEdited('old-date', (rows) => rows.map((row, index) => (index === 7 ? row.with(0, '1970-01-01') : row)));
  const range = find(report, 'expect_column_values_to_be_between', 'date');
  t.is(range.unexpectedCount, 1);
  t.false(report.success);
});

test('issue #9: days outside the protocol bounds (0050, 9999) never become rows, even with critical failures tolerated', async (t) => {
  const path = join(dir, 'far-dates.csv');
  const rows = lines.map((line) => line.split(','));
  await writeFile(path, `${rows.map((row, index) => (index === 7 ? row.with(0, '0050-01-01') : index === 8 ? row.with(0, '9999-12-31') : row).join(',')).join('\n')}\n`);
  const loaded = await loadSalesData(path, { failOnCritical: false });
  t.is(find(loaded.report, 'expect_column_values_to_be_between', 'date').unexpectedCount, 2);
  t.is(loaded.rows.length, 1198);
  t.false(loaded.rows.some((row) => row.date < '1990-01-01' || row.date > '2100-12-31'));
  for (const pair of ['minDate=0001-01-01', 'maxDate=2200-01-01']) {
    const widened = (() => {
      try {
        return parseThresholds([pair]);
      } catch (error) {
        return error;
      }
    })();
    t.true(isFleetcastError(widened) && widened.code === 'FC_ERR_DATA_THRESHOLD_INVALID', `${pair}: thresholds cannot widen the bounds`);
  }
});

test('a spike is flagged by the robust z-score anomaly expectation', async (t) => {
  const clean = find(await validateEdited('clean-again', (rows) => rows), 'expect_column_values_to_not_be_anomalies', 'units');
  // Row 1 is S001/I0001, a regular (not intermittent) item with this seed.
  const spiked = find(await validateEdited('spike', (rows) => rows.map((row, index) => (index === 1 ? row.with(UNITS, '100000') : row))), 'expect_column_values_to_not_be_anomalies', 'units');
  t.is(spiked.unexpectedCount - clean.unexpectedCount, 1);
  t.true(spiked.sample.some((sample) => sample.value === 100000 && sample.date === '2023-01-01'));
});

test('loadSalesData refuses data failing a critical expectation with FC_ERR_DATA_VALIDATION_FAILED', async (t) => {
  const path = join(dir, 'negative-throw.csv');
  await writeFile(path, `${lines.map((line, index) => (index === 2 ? line.split(',').with(UNITS, '-1').join(',') : line)).join('\n')}\n`);
  const error = await t.throwsAsync(loadSalesData(path));
  t.true(isFleetcastError(error));
  t.is((error as { code?: string }).code, 'FC_ERR_DATA_VALIDATION_FAILED');
});

test('data validate exits 1 with a JSON report when a critical expectation fails, 0 when clean', async (t) => {
  const bad = join(dir, 'negative-cli.csv');
  await writeFile(bad, `${lines.map((line, index) => (index === 2 || index === 3 ? line.split(',').with(UNITS, '-1').join(',') : line)).join('\n')}\n`);
  const failed = await runCli(['data', 'validate', bad, '--json']);
  t.is(failed.code, 1);
  const report = JSON.parse(failed.stdout) as ValidationReport;
  t.false(report.success);
  t.is(find(report, 'expect_column_values_to_be_between', 'units').unexpectedCount, 2);
  const passed = await runCli(['data', 'validate', join(dir, 'clean.csv')]);
  t.is(passed.code, 0);
  t.regex(passed.stdout, /^PASSED: /m);
});

test('thresholds are configurable: a zero-share limit below the data makes that expectation fail', async (t) => {
  const result = await runCli(['data', 'validate', join(dir, 'clean.csv'), '--json', '--threshold', 'maxZeroShare=0.0001']);
  const report = JSON.parse(result.stdout) as ValidationReport;
  const zeros = find(report, 'expect_column_zero_share_to_be_at_most', 'units');
  t.false(zeros.success);
  t.is(report.thresholds.maxZeroShare, 0.0001);
  t.is(result.code, 0, 'a non-critical expectation does not fail the run');
});
