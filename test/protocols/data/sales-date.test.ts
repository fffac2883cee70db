import test from 'ava';
import { DEFAULT_SALES_DATE_BOUNDS, salesDateBoundsSchema, salesDateSchema, salesDateSchemaWithin, salesDayNumber } from '../../../protocols/data/sales-date.js';
import { decodeMessage } from '../../../protocols/messages/decode.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { toEpochDay } from '../../../protocols/features/epoch-day.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as FleetcastError).code;
  }
};

test('default bounds are 1990-01-01..2100-12-31, both ends inclusive', (t) => {
  t.deepEqual({ ...DEFAULT_SALES_DATE_BOUNDS }, { min: '1990-01-01', max: '2100-12-31' });
  t.is(salesDayNumber('1990-01-01'), 7305);
  t.is(salesDayNumber('2100-12-31'), 47846);
  t.is(salesDayNumber('1970-01-01', { min: '1970-01-01', max: '1970-01-02' }), 0);
});

const cases: Array<[unknown, string]> = [
  ['0050-01-01', 'FC_ERR_DATE_OUT_OF_RANGE'],
  ['0100-06-01', 'FC_ERR_DATE_OUT_OF_RANGE'],
  ['9999-12-31', 'FC_ERR_DATE_OUT_OF_RANGE'],
  ['1989-12-31', 'FC_ERR_DATE_OUT_OF_RANGE'],
  ['2101-01-01', 'FC_ERR_DATE_OUT_OF_RANGE'],
  ['2024-02-30', 'FC_ERR_DATE_INVALID'],
  ['2023-02-29', 'FC_ERR_DATE_INVALID'],
  ['2024-13-01', 'FC_ERR_DATE_INVALID'],
  ['2024-1-01', 'FC_ERR_DATE_INVALID'],
  ['+02024-01-01', 'FC_ERR_DATE_INVALID'],
  ['2024-01-01T00:00:00Z', 'FC_ERR_DATE_INVALID'],
  [20240101, 'FC_ERR_DATE_INVALID'],
];

for (const [value, code] of cases) {
  test(`sales date ${JSON.stringify(value)} → ${code}, in the function, the schema and the feature executor`, (t) => {
    t.is(codeOf(() => salesDayNumber(value)), code);
    t.false(salesDateSchema.safeParse(value).success);
    if (typeof value === 'string') t.is(codeOf(() => toEpochDay(value)), code === 'FC_ERR_DATE_INVALID' ? 'FC_ERR_FEATURE_INVALID_DATE' : code);
  });
}

test('2024-02-29 (leap day) and the bounds themselves are sales dates', (t) => {
  for (const value of ['2024-02-29', '1990-01-01', '2100-12-31']) t.true(salesDateSchema.safeParse(value).success, value);
});

test('bounds are configurable within the defaults; a narrower range refuses what it excludes', (t) => {
  const bounds = salesDateBoundsSchema.parse({ min: '2020-01-01', max: '2030-12-31' });
  t.true(salesDateSchemaWithin(bounds).safeParse('2025-06-01').success);
  t.is(codeOf(() => salesDayNumber('2019-12-31', bounds)), 'FC_ERR_DATE_OUT_OF_RANGE');
  t.deepEqual(salesDateBoundsSchema.parse({}), { ...DEFAULT_SALES_DATE_BOUNDS });
  t.false(salesDateBoundsSchema.safeParse({ min: '1900-01-01' }).success, 'bounds cannot widen the defaults');
  t.false(salesDateBoundsSchema.safeParse({ min: '2030-01-01', max: '2020-01-01' }).success, 'min after max');
});

test('every POS message with a sales date refuses an out-of-range day with FC_ERR_DATE_OUT_OF_RANGE and the field path', (t) => {
  const envelope = { v: 1, id: 'm-1', ts: '2026-11-28T10:00:00Z', sender: { role: 'pos', id: 'till-1' } };
  const actuals = { ...envelope, type: 'actuals', rows: [{ store: 's1', item: 'i1', date: '2026-11-27', units: 1 }, { store: 's1', item: 'i1', date: '0050-01-01', units: 1 }] };
  const score = { ...envelope, type: 'score', rows: [{ store: 's1', item: 'i1', date: '9999-01-01' }] };
  const actualsError = t.throws<FleetcastError>(() => decodeMessage('pos/actuals', JSON.stringify(actuals)));
  t.is(actualsError?.code, 'FC_ERR_DATE_OUT_OF_RANGE');
  t.deepEqual(actualsError?.details?.path, ['rows', 1, 'date']);
  const scoreError = t.throws<FleetcastError>(() => decodeMessage('pos/score/req', JSON.stringify(score)));
  t.is(scoreError?.code, 'FC_ERR_DATE_OUT_OF_RANGE');
  t.deepEqual(scoreError?.details?.path, ['rows', 0, 'date']);
});
