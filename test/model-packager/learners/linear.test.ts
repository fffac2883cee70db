import test from 'ava';
import { fitLinear } from '../../../model-packager/learners/linear/fit-linear.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { linearModelSchema } from '../../../model-packager/models/trained-model.js';
import { makeSet, poissonDraw, rmse } from './fixtures.js';

/** Coefficients on the original feature scale (the model stores them on standardised inputs). */
function originalScale(model: { coefficients: number[]; inputStd: number[]; inputMean: number[]; intercept: number }) {
  const slopes = model.coefficients.map((c, f) => c / model.inputStd[f]);
  const intercept = model.intercept - slopes.reduce((sum, slope, f) => sum + slope * model.inputMean[f], 0);
  return { slopes, intercept };
}

test('squared error recovers the coefficients of a noiseless linear function', (t) => {
  const data = makeSet(500, 3, 21, (r) => [10 * r(), r() - 0.5, 100 * r()], (x) => 4 + 2 * x[0] - 3 * x[1] + 0.5 * x[2]);
  const { model, iterations } = fitLinear(data);
  t.true(linearModelSchema.safeParse(model).success);
  t.is(iterations, 0);
  const { slopes, intercept } = originalScale(model);
  [2, -3, 0.5].forEach((expected, f) => t.true(Math.abs(slopes[f] - expected) < 1e-6, `β${f} = ${slopes[f]}`));
  t.true(Math.abs(intercept - 4) < 1e-5);
  t.true(rmse(predictModel(model, data.X, data.nRows), data.y) < 1e-5);
});

test('the L2 penalty shrinks the coefficients', (t) => {
  const data = makeSet(200, 2, 22, (r) => [r(), r()], (x, r) => 3 * x[0] - x[1] + 0.1 * r());
  const plain = fitLinear(data).model;
  const ridge = fitLinear({ ...data, params: { l2: 50 } }).model;
  const norm = (c: number[]) => Math.hypot(...c);
  t.true(norm(ridge.coefficients) < 0.8 * norm(plain.coefficients));
});

test('missing inputs are imputed with the training mean', (t) => {
  const data = makeSet(400, 2, 23, (r) => [r() < 0.1 ? NaN : r(), r()], (x) => 1 + x[1]);
  const { model } = fitLinear(data);
  t.deepEqual(model.inputImpute, model.inputMean);
  const [withMissing, withMean] = predictModel(model, Float32Array.of(NaN, 0.5, model.inputMean[0], 0.5), 2);
  t.true(Math.abs(withMissing - withMean) < 1e-12);
  t.true(Math.abs(withMissing - 1.5) < 1e-6);
});

test('Poisson GLM recovers log-linear coefficients', (t) => {
  const data = makeSet(20000, 2, 24, (r) => [r(), r()], (x, r) => poissonDraw(Math.exp(0.3 + 1.2 * x[0] - 0.8 * x[1]), r));
  const { model } = fitLinear({ ...data, params: { objective: 'poisson', iterations: 3000 } });
  t.is(model.link, 'exp');
  const { slopes, intercept } = originalScale(model);
  t.true(Math.abs(slopes[0] - 1.2) < 0.06, `β0 = ${slopes[0]}`);
  t.true(Math.abs(slopes[1] + 0.8) < 0.06, `β1 = ${slopes[1]}`);
  t.true(Math.abs(intercept - 0.3) < 0.06, `b = ${intercept}`);
});

test('logistic GLM separates a linear boundary', (t) => {
  const data = makeSet(3000, 2, 25, (r) => [r(), r()], (x) => (2 * x[0] - x[1] > 0.5 ? 1 : 0));
  const { model } = fitLinear({ ...data, params: { objective: 'logistic', iterations: 1500, learningRate: 0.1 } });
  const predicted = predictModel(model, data.X, data.nRows);
  let correct = 0;
  for (let i = 0; i < data.nRows; i += 1) if ((predicted[i] > 0.5 ? 1 : 0) === data.y[i]) correct += 1;
  t.true(correct / data.nRows > 0.97);
});

test('collinear features without L2 are a coded error', (t) => {
  const data = makeSet(50, 2, 26, (r) => {
    const v = r();
    return [v, 2 * v];
  }, (x) => x[0]);
  t.throws(() => fitLinear(data), { code: 'FC_ERR_TRAIN_INVALID_INPUT' } as never);
  t.throws(() => fitLinear({ ...data, params: { l2: -1 } }), { code: 'FC_ERR_TRAIN_INVALID_PARAMS' } as never);
});
