import test from 'ava';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { MAX_LOADED_MODELS, Predictor } from '../../../cloud-controller/predict/predictor.js';
import { makeBundleSet, openTestRegistry, tempDir } from '../helpers.js';

const history = [{ store: 's1', item: 'i1', date: '2026-01-01', units: 4 }];
const rows = [{ store: 's1', item: 'i1', date: '2026-01-08' }];

test('a long-running predictor keeps at most MAX_LOADED_MODELS sessions, least recently used evicted, and reloads on demand', async (t) => {
  const count = MAX_LOADED_MODELS + 2;
  const set = await makeBundleSet('demand', count);
  const { registry } = openTestRegistry(tempDir(), set.key);
  for (const bundle of set.bundles) await registry.push(bundle.path, 'alice');
  const predictor = new Predictor(registry, trustedKeysFromPems([set.key.publicKeyPem]));
  t.teardown(() => predictor.close());
  const first = await predictor.predict('demand', 1, rows, history);
  for (let version = 2; version <= count; version += 1) await predictor.predict('demand', version, rows, history);
  t.deepEqual(predictor.loadedModels(), set.bundles.slice(count - MAX_LOADED_MODELS).map((bundle) => bundle.sha256));
  // 2026-01-08 is a Thursday (weekday 3): 2 + 0.5·4 + 0.25·3 = 4.75 with the fixture's linear model.
  t.deepEqual(first.predictions.map((p) => p.value), [4.75]);
  const again = await predictor.predict('demand', 1, rows, history);
  t.deepEqual(again.predictions, first.predictions);
  t.is(predictor.loadedModels().length, MAX_LOADED_MODELS);
  t.is(predictor.loadedModels().at(-1), set.bundles[0].sha256);
});
