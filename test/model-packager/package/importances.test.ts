import test from 'ava';
import { fitGbdt } from '../../../model-packager/learners/gbdt/fit-gbdt.js';
import { featureImportances } from '../../../model-packager/package/importances.js';
import { makeSet } from '../learners/fixtures.js';

test('GBDT gain importance ranks the feature that explains the target, even when a noise feature has more splits (issue #12)', async (t) => {
  // x0 explains a step of 10; x1 a ripple of ±0.1 that deep trees keep splitting on.
  const data = makeSet(2000, 2, 7, (r) => [r(), r()], (x) => (x[0] > 0.5 ? 10 : 0) + 0.1 * Math.sin(40 * x[1]));
  const { model } = await fitGbdt({ ...data, params: { rounds: 20, learningRate: 0.5, maxDepth: 4 }, workers: 0 });
  const [x0, x1] = featureImportances(model);
  t.true(x0.gain !== null && x1.gain !== null);
  t.true((x1.splits ?? 0) > (x0.splits ?? 0), `splits x0=${x0.splits} x1=${x1.splits}`);
  t.true((x0.gain ?? 0) > 100 * (x1.gain ?? 0), `gain x0=${x0.gain} x1=${x1.gain}`);
  // A model from before gain was recorded keeps working: gain is null, not 0.
  const legacy = { ...model, trees: model.trees.map(({ gain: _gain, ...tree }) => tree) };
  t.deepEqual(featureImportances(legacy).map((importance) => importance.gain), [null, null]);
});
