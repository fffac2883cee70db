import test from 'ava';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { planTimeSplits } from '../../../model-packager/train/time-splits.js';

test('holdout is the last days; folds are consecutive windows before it, each trained on everything earlier', (t) => {
  const days = Int32Array.from({ length: 100 }, (_, d) => d % 50); // two series × 50 days
  const plan = planTimeSplits(days, { holdoutDays: 10, folds: 2, foldDays: 7, minTrainDays: 20 });
  t.is(plan.holdout.testFromDay, 40);
  t.is(plan.holdout.test.length, 20);
  t.is(plan.holdout.train.length, 80);
  t.deepEqual(plan.folds.map((f) => [f.testFromDay, f.testToDay, f.train.length, f.test.length]), [
    [26, 32, 52, 14],
    [33, 39, 66, 14],
  ]);
  t.true(plan.folds.every((f) => Math.max(...Array.from(f.train, (r) => days[r])) < f.testFromDay));
  t.is(t.throws<FleetcastError>(() => planTimeSplits(days, { holdoutDays: 10, folds: 2, foldDays: 7, minTrainDays: 27 }))?.code, 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY');
});
