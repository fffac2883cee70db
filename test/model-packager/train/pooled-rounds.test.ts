import test from 'ava';
import { bestPooledRounds, emptyFoldCurve, recordingWape } from '../../../model-packager/train/pooled-rounds.js';

test('recordingWape records Σ|e| per round and returns the fold WAPE', (t) => {
  const curve = emptyFoldCurve();
  const metric = recordingWape(curve);
  const y = Float64Array.from([0, 4, 6]);
  t.is(metric(y, Float64Array.from([1, 4, 3])), 4 / 10);
  t.is(metric(y, Float64Array.from([0, 5, 6])), 1 / 10);
  t.deepEqual(curve, { absoluteErrors: [4, 1], sumAbsTarget: 10 });
});

test('bestPooledRounds minimises the error summed over folds, not one fold alone', (t) => {
  // The last fold alone is best after 1 round; pooled, 3 rounds win (errors 14, 12, 9, 10).
  const first = { absoluteErrors: [10, 8, 4, 5], sumAbsTarget: 40 };
  const last = { absoluteErrors: [4, 4, 5, 5], sumAbsTarget: 10 };
  t.is(bestPooledRounds([first, last]), 3);
  t.is(bestPooledRounds([last]), 1);
  // Ties go to fewer rounds.
  t.is(bestPooledRounds([{ absoluteErrors: [3, 2, 2], sumAbsTarget: 5 }]), 2);
});
