import test from 'ava';
import { createRandom } from '../../../model-packager/learners/random.js';
import { learners } from '../../../model-packager/train/learners.js';
import { tune } from '../../../model-packager/train/tune.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { wape } from '../../../protocols/metrics/index.js';

/** y = 3·x0 + noise, x1 irrelevant. */
function data(n: number, seed: number): { X: Float32Array; y: Float64Array; nRows: number } {
  const uniform = createRandom(seed);
  const X = new Float32Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    X[i * 2] = uniform() * 10;
    X[i * 2 + 1] = uniform();
    y[i] = 3 * X[i * 2] + uniform();
  }
  return { X, y, nRows: n };
}

const base = { candidates: [{ kind: 'gbdt' as const, spec: learners.gbdt, objective: 'squared' as const }], searchObjectives: [], featureNames: ['x0', 'x1'], train: data(400, 1), validation: data(200, 2), seed: 4, score: (model: Parameters<typeof predictModel>[0], v: { X: Float32Array; y: Float64Array; nRows: number }) => wape(v.y, predictModel(model, v.X, v.nRows)) };

test('successive halving: 9 trials at 33 rounds, best 3 at 100, best 1 at 300; the winner is the best of the last rung', async (t) => {
  const result = await tune({ ...base, trials: 9, timeBudgetMs: 600_000 });
  const perBudget = new Map<number, number>();
  for (const trial of result.trials) perBudget.set(trial.budget, (perBudget.get(trial.budget) ?? 0) + 1);
  t.deepEqual([...perBudget], [[33, 9], [100, 3], [300, 1]]);
  t.is(result.best.budget, 300);
  const rung100 = result.trials.filter((r) => r.budget === 100).map((r) => r.trial);
  const best3of33 = result.trials.filter((r) => r.budget === 33).sort((a, b) => a.score - b.score).slice(0, 3).map((r) => r.trial);
  t.deepEqual(rung100.sort(), best3of33.sort());
  t.deepEqual(result.trials.find((r) => r.trial === 0)?.params, learners.gbdt.defaults, 'trial 0 is the defaults');
  t.false(result.stoppedByTime);
});

test('an exhausted time budget stops after the first fit', async (t) => {
  const result = await tune({ ...base, trials: 9, timeBudgetMs: 0 });
  t.is(result.trials.length, 1);
  t.true(result.stoppedByTime);
  t.is(result.best, result.trials[0]);
});
