import test from 'ava';
import * as ort from 'onnxruntime-node';
import { buildFeatureMatrix } from '../../../protocols/features/build-features.js';
import { SalesHistory } from '../../../protocols/features/sales-history.js';
import { readBundle } from '../../../protocols/bundle/read-bundle.js';
import { makeSigningKey, makeTestBundle, testFeatureSpec, type TestBundle, type TestSigningKey } from '../../helpers/bundle-fixtures.js';
import { tempDir } from '../helpers.js';
import { call, errorCode, startTestApi, type TestApi } from './api-harness.js';

let key: TestSigningKey;
let linear: TestBundle;
let gbdt: TestBundle;
test.before(async () => {
  key = makeSigningKey();
  const dir = tempDir('fc-bundles-');
  linear = await makeTestBundle({ dir, name: 'demand', version: 1, key, kind: 'linear' });
  gbdt = await makeTestBundle({ dir, name: 'demand', version: 2, key, kind: 'gbdt' });
});

/** Two weeks of actuals for every (store, item) of the fixture vocabulary. */
function history(): Array<{ store: string; item: string; date: string; units: number }> {
  const rows = [];
  for (const store of ['s1', 's2']) {
    for (const item of ['i1', 'i2']) {
      for (let day = 1; day <= 14; day += 1) rows.push({ store, item, date: `2026-01-${String(day).padStart(2, '0')}`, units: (day * 3 + (store === 's2' ? 5 : 0) + (item === 'i2' ? 1 : 0)) % 17 });
    }
  }
  return rows;
}

const rows = [
  { store: 's1', item: 'i1', date: '2026-01-15' },
  { store: 's2', item: 'i2', date: '2026-01-16' },
  { store: 's1', item: 'i2', date: '2026-01-18' },
  { store: 's2', item: 'i1', date: '2026-01-21' },
];

/** The oracle: the shared executor's features run through onnxruntime directly on the bundle's model.onnx. */
async function onnxruntimeDirect(bundle: TestBundle, requestRows: typeof rows): Promise<number[]> {
  const { files } = await readBundle(bundle.path);
  const session = await ort.InferenceSession.create(files.get('model.onnx') as Buffer);
  const features = buildFeatureMatrix(bundle.manifest.featureSpec, SalesHistory.fromRows(history()), requestRows);
  const output = await session.run({ [bundle.manifest.input.name]: new ort.Tensor('float32', features.matrix, [features.nRows, features.names.length]) });
  return Array.from(output[bundle.manifest.output.name].data as Float32Array);
}

async function setup(t: { teardown(fn: () => Promise<void>): void }): Promise<TestApi> {
  const api = await startTestApi(key);
  t.teardown(() => api.close());
  await api.registry.push(linear.path, 'alice');
  await api.registry.push(gbdt.path, 'alice');
  api.registry.promote('demand', 1, 'Production', 'alice');
  api.registry.setAlias('demand', 'challenger', 2, 'alice');
  return api;
}

test('predict serves the Production version with exactly the numbers onnxruntime gives on the shared executor’s features', async (t) => {
  const api = await setup(t);
  const response = await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { rows, history: history() });
  t.is(response.status, 200);
  t.deepEqual(response.json.model, { name: 'demand', version: 1 });
  const values = (response.json.predictions as Array<{ value: number; store: string; date: string }>).map((p) => p.value);
  t.deepEqual(values, await onnxruntimeDirect(linear, rows));
  t.is(response.json.clamped, 0);
  // And the numbers are the fixture's linear formula: 2 + 0.5·lag_7 + 0.25·weekday + store − 0.5·item.
  const actual = new Map(history().map((h) => [`${h.store}|${h.item}|${h.date}`, h.units]));
  const expectedByFormula = rows.map((row) => {
    const lagDate = new Date(Date.parse(`${row.date}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const weekday = (new Date(`${row.date}T00:00:00Z`).getUTCDay() + 6) % 7;
    return 2 + 0.5 * (actual.get(`${row.store}|${row.item}|${lagDate}`) ?? Number.NaN) + 0.25 * weekday + (row.store === 's2' ? 1 : 0) - 0.5 * (row.item === 'i2' ? 1 : 0);
  });
  values.forEach((value, i) => t.true(Math.abs(value - expectedByFormula[i]) < 1e-5, `row ${i}: ${value} vs ${expectedByFormula[i]}`));
  t.deepEqual(testFeatureSpec().lags, [7]);
});

test('predict ?alias= picks another version; bad input and unknown stores give coded errors', async (t) => {
  const api = await setup(t);
  const challenger = await call(api, 'POST', '/v1/models/demand/predict?alias=challenger', api.tokens.viewer, { rows, history: history() });
  t.deepEqual(challenger.json.model, { name: 'demand', version: 2 });
  t.deepEqual((challenger.json.predictions as Array<{ value: number }>).map((p) => p.value), await onnxruntimeDirect(gbdt, rows));

  const unauthenticated = await call(api, 'POST', '/v1/models/demand/predict', null, { rows });
  t.is(unauthenticated.status, 401);
  const badDate = await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { rows: [{ store: 's1', item: 'i1', date: '2026-02-30' }] });
  t.is(badDate.status, 400);
  t.is(errorCode(badDate.json), 'FC_ERR_INVALID_REQUEST');
  const empty = await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { rows: [] });
  t.is(errorCode(empty.json), 'FC_ERR_INVALID_REQUEST');
  const unknownStore = await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { rows: [{ store: 's9', item: 'i1', date: '2026-01-15' }] });
  t.is(unknownStore.status, 400);
  t.is(errorCode(unknownStore.json), 'FC_ERR_UNKNOWN_STORE');
  const noModel = await call(api, 'POST', '/v1/models/other/predict', api.tokens.viewer, { rows });
  t.is(noModel.status, 404);
  t.is(errorCode(noModel.json), 'FC_ERR_MODEL_NOT_FOUND');
});

test('predictions are clamped to [0, ceiling] from the reference profile', async (t) => {
  const api = await setup(t);
  const hugeHistory = [{ store: 's1', item: 'i1', date: '2026-01-08', units: 1_000_000 }];
  const response = await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, { rows: [rows[0]], history: hugeHistory });
  t.is(response.status, 200);
  const ceiling = response.json.ceiling as number;
  t.true(ceiling > 0 && ceiling < 1000);
  t.deepEqual((response.json.predictions as Array<{ value: number }>).map((p) => p.value), [ceiling]);
  t.is(response.json.clamped, 1);
});

test('predict is bounded per caller: a burst from one token gets coded 429s, another token is served meanwhile, the bound frees up after (issue #9)', async (t) => {
  const api = await setup(t);
  const body = { rows, history: history() };
  const burst = Array.from({ length: 6 }, () => call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, body));
  const other = call(api, 'POST', '/v1/models/demand/predict', api.tokens.operator, body);
  const results = await Promise.all(burst);
  t.is((await other).status, 200, 'another caller is not refused');
  const statuses = results.map((result) => result.status);
  t.true(statuses.filter((status) => status === 200).length >= 2, statuses.join());
  t.true(statuses.includes(429), statuses.join());
  for (const result of results.filter((r) => r.status === 429)) t.is(errorCode(result.json), 'FC_ERR_PREDICT_BUSY');
  t.is((await call(api, 'POST', '/v1/models/demand/predict', api.tokens.viewer, body)).status, 200, 'the bound is released when calls finish');
});
