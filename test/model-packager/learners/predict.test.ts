import test from 'ava';
import { predictModel, predictRaw } from '../../../model-packager/models/predict.js';
import type { GbdtModel, LinearModel, MlpModel } from '../../../model-packager/models/trained-model.js';

/**
 * Two hand-made trees over features (a, b):
 *   tree 0: a <= 2 ? (b <= 0.5 ? 1 : 2) : 3, NaN in a goes right, NaN in b goes left
 *   tree 1: b <= 10 ? 0.25 : −0.5,          NaN in b goes right
 */
const trees: GbdtModel['trees'] = [
  { feature: [0, 1, -1, -1, -1], threshold: [2, 0.5, 0, 0, 0], left: [1, 3, -1, -1, -1], right: [2, 4, -1, -1, -1], missingGoesLeft: [false, true, false, false, false], value: [0, 0, 3, 1, 2] },
  { feature: [1, -1, -1], threshold: [10, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingGoesLeft: [false, false, false], value: [0, 0.25, -0.5] },
];
const model: GbdtModel = { kind: 'gbdt', objective: 'squared', link: 'identity', baseScore: 0.5, featureNames: ['a', 'b'], trees };

test('GBDT raw scores equal a hand traversal (x <= threshold goes left, NaN by default direction)', (t) => {
  const X = Float32Array.of(
    2, 0.5, // a<=2 → b<=0.5 → 1; b<=10 → 0.25
    2.0000002, 0.5, // a>2 → 3; 0.25
    1, 0.6, // a<=2, b>0.5 → 2; 0.25
    NaN, 11, // a missing → right → 3; b>10 → −0.5
    0, NaN, // a<=2, b missing → left → 1; b missing → right → −0.5
  );
  t.deepEqual(Array.from(predictRaw(model, X, 5)), [0.5 + 1 + 0.25, 0.5 + 3 + 0.25, 0.5 + 2 + 0.25, 0.5 + 3 - 0.5, 0.5 + 1 - 0.5]);
});

test('the link is applied on top of the raw score', (t) => {
  const X = Float32Array.of(2, 0.5);
  t.is(predictModel({ ...model, objective: 'poisson', link: 'exp' }, X, 1)[0], Math.exp(1.75));
  t.is(predictModel({ ...model, objective: 'logistic', link: 'sigmoid' }, X, 1)[0], 1 / (1 + Math.exp(-1.75)));
  t.is(predictModel(model, X, 1)[0], 1.75);
});

test('linear and MLP models standardise, impute and scale as documented', (t) => {
  const linear: LinearModel = { kind: 'linear', objective: 'squared', link: 'identity', featureNames: ['a', 'b'], inputMean: [1, 2], inputStd: [2, 4], inputImpute: [3, 2], coefficients: [0.5, -1], intercept: 10 };
  // Row 1: z = ((5−1)/2, (6−2)/4) = (2, 1) → 10 + 1 − 1 = 10. Row 2: a missing → 3 → z_a = 1 → 10 + 0.5 − 0 = 10.5.
  t.deepEqual(Array.from(predictModel(linear, Float32Array.of(5, 6, NaN, 2), 2)), [10, 10.5]);
  const mlp: MlpModel = {
    kind: 'mlp',
    objective: 'poisson',
    link: 'exp',
    featureNames: ['a'],
    inputMean: [1],
    inputStd: [2],
    outputScale: 2,
    outputOffset: -1,
    layers: [
      { weights: [[1], [-1]], bias: [0, 0.5], activation: 'relu' },
      { weights: [[3, 1]], bias: [0.25], activation: 'identity' },
    ],
  };
  // a = 5 → z = 2 → hidden (2, relu(−1.5) = 0) → 6.25 → raw 2·6.25 − 1 = 11.5.
  // a missing, no inputImpute → mean → z = 0 → hidden (0, 0.5) → 0.75 → raw 0.5.
  t.deepEqual(Array.from(predictRaw(mlp, Float32Array.of(5, NaN), 2)), [11.5, 0.5]);
  t.is(predictModel(mlp, Float32Array.of(5), 1)[0], Math.exp(11.5));
});

test('a matrix that does not match the model is a coded error', (t) => {
  t.throws(() => predictRaw(model, Float32Array.of(1, 2, 3), 2), { code: 'FC_ERR_PREDICT_INVALID_INPUT' } as never);
  t.throws(() => predictModel(model, Float32Array.of(1, 2), 2), { code: 'FC_ERR_PREDICT_INVALID_INPUT' } as never);
});
