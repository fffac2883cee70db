import test from 'ava';
import { assessWindow, importanceWeights } from '../../../protocols/drift/assess.js';
import { binIndex } from '../../../protocols/drift/binning.js';
import { driftLayout, slotCount, type FeatureLayout } from '../../../protocols/drift/layout.js';
import { driftThresholdsSchema, DEFAULT_DRIFT_THRESHOLDS } from '../../../protocols/drift/thresholds.js';
import { fixtureProfile, sampleRows, FEATURE_NAMES } from './profile-fixture.js';

const NAMES = ['lag_7', 'price', 'temp_c', 'store'];
const profile = fixtureProfile(5000, NAMES);
const layouts = driftLayout(profile, NAMES);

/** Counts of a matrix on the layouts (the same rule as the agent's window). */
function countRows(matrix: Float32Array, n: number, featureLayouts: FeatureLayout[]): { counts: number[]; missing: number }[] {
  return featureLayouts.map((layout, f) => {
    const counts = new Array<number>(slotCount(layout)).fill(0);
    let missing = 0;
    for (let r = 0; r < n; r += 1) {
      const value = matrix[r * featureLayouts.length + f];
      if (Number.isNaN(value)) missing += 1;
      else if (layout.kind === 'numeric') counts[binIndex(layout.edges, value)] += 1;
      else {
        const slot = layout.codes.indexOf(value);
        const seen = (profile.features[f].categoryFrequencies?.[`c${value}`] ?? 0) > 0;
        counts[slot >= 0 ? slot : seen ? layout.codes.length : layout.codes.length + 1] += 1;
      }
    }
    return { counts, missing };
  });
}

test('clean windows drift nowhere; a shifted feature drifts on every statistic with a bound below the threshold', (t) => {
  const clean = assessWindow(layouts, countRows(sampleRows(1000, 11, NAMES), 1000, layouts), 1000, DEFAULT_DRIFT_THRESHOLDS);
  t.deepEqual(clean.features.filter((f) => f.drifted).map((f) => f.name), []);
  t.false(clean.drifted);
  const shifted = assessWindow(layouts, countRows(sampleRows(1000, 12, NAMES, { price: 1 }), 1000, layouts), 1000, DEFAULT_DRIFT_THRESHOLDS);
  const price = shifted.features[1];
  t.true(price.drifted);
  for (const name of ['psi', 'js', 'ks', 'wasserstein'] as const) t.true(price.statistics[name]?.exceeded, name);
  t.deepEqual(shifted.features.filter((f) => f.drifted).map((f) => f.name), ['price']);
  t.is(shifted.driftShare, 0.25);
  t.false(shifted.weighted);
});

test('below the minimum sample size nothing is declared drifted, however large the shift', (t) => {
  const few = assessWindow(layouts, countRows(sampleRows(150, 13, NAMES, { price: 3 }), 150, layouts), 150, DEFAULT_DRIFT_THRESHOLDS);
  t.true(few.features[1].statistics.psi!.value > 1);
  t.false(few.features[1].drifted);
  const lower = assessWindow(layouts, countRows(sampleRows(150, 13, NAMES, { price: 3 }), 150, layouts), 150, driftThresholdsSchema.parse({ minSamples: 100 }));
  t.true(lower.features[1].drifted);
});

test('missing values and unseen categories are their own statistics', (t) => {
  const matrix = sampleRows(1000, 14, NAMES);
  for (let r = 0; r < 1000; r += 1) {
    if (r % 4 === 0) matrix[r * NAMES.length + 2] = Number.NaN;
    if (r % 5 === 0) matrix[r * NAMES.length + 3] = 35;
  }
  const window = assessWindow(layouts, countRows(matrix, 1000, layouts), 1000, DEFAULT_DRIFT_THRESHOLDS);
  t.true(window.features[2].statistics.missingShare!.exceeded);
  t.true(Math.abs(window.features[2].statistics.missingShare!.value - 0.25) < 1e-9);
  t.true(window.features[3].statistics.unseenShare!.exceeded);
  t.is(window.features[3].categoryShares?.['(unseen)'], 0.2);
  t.deepEqual(window.features.filter((f) => f.drifted).map((f) => f.name), ['temp_c', 'store']);
});

test('the dataset share weighs drifted features by GBDT gain, uniformly when the bundle has none', (t) => {
  const weighted = driftLayout(fixtureProfile(5000, NAMES, [6, 2, 1, 1]), NAMES);
  t.deepEqual(importanceWeights(weighted).weights, [0.6, 0.2, 0.1, 0.1]);
  const window = assessWindow(weighted, countRows(sampleRows(1000, 12, NAMES, { price: 1 }), 1000, weighted), 1000, DEFAULT_DRIFT_THRESHOLDS);
  t.true(window.weighted);
  t.is(window.driftShare, 0.2);
  t.false(window.drifted);
  t.false(importanceWeights(driftLayout(fixtureProfile(500, FEATURE_NAMES), FEATURE_NAMES)).weighted);
});
