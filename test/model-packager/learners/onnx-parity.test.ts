import test from 'ava';
import { exportToOnnx } from '../../../model-packager/export/export-model.js';
import { fitGbdt } from '../../../model-packager/learners/gbdt/fit-gbdt.js';
import { fitLinear } from '../../../model-packager/learners/linear/fit-linear.js';
import { fitMlp } from '../../../model-packager/learners/mlp/fit-mlp.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import type { TrainedModel } from '../../../model-packager/models/trained-model.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import { makeSet, poissonDraw } from './fixtures.js';

/**
 * Trained models (not hand-made ones) exported to ONNX and run by onnxruntime-node must give
 * predictModel's numbers, including rows that sit exactly on learned thresholds (thresholds
 * are training values) and rows with missing values.
 */
/** Largest |onnx − predictModel| over the rows, relative to the largest |prediction|. */
async function largestRelativeGap(model: TrainedModel, X: Float32Array, nRows: number): Promise<number> {
  const runner = await loadOnnx(exportToOnnx(model));
  try {
    const onnx = await runner.run(X);
    const expected = predictModel(model, X, nRows);
    // Relative to the output scale: per-row relative error is meaningless for outputs near 0.
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < nRows; i += 1) {
      worst = Math.max(worst, Math.abs(onnx[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return worst / scale;
  } finally {
    await runner.release();
  }
}

const features = (r: () => number) => [r() < 0.1 ? NaN : Math.floor(50 * r()) / 10, r(), r() < 0.05 ? NaN : 2 * r() - 1];
const rate = (x: number[]) => Math.exp(0.5 + 0.2 * (Number.isNaN(x[0]) ? 2 : x[0]) + x[1]);

test('a trained Poisson GBDT runs in onnxruntime with predictModel results (threshold hits, NaN)', async (t) => {
  const data = makeSet(3000, 3, 41, features, (x, r) => poissonDraw(rate(x), r));
  const { model } = await fitGbdt({ ...data, params: { objective: 'poisson', rounds: 40, maxDepth: 4 } });
  // The training rows themselves include every threshold value exactly.
  t.true((await largestRelativeGap(model, data.X, data.nRows)) < 1e-5);
});

test('trained MLP and linear models run in onnxruntime with predictModel results (NaN imputed)', async (t) => {
  const data = makeSet(1500, 3, 42, features, (x) => (Number.isNaN(x[0]) ? 1 : x[0]) + Math.sin(3 * x[1]) + (Number.isNaN(x[2]) ? 0 : x[2]));
  const mlp = fitMlp({ ...data, params: { hiddenLayers: [16, 8], epochs: 10 } }).model;
  const linear = fitLinear(data).model;
  t.true((await largestRelativeGap(mlp, data.X, data.nRows)) < 1e-5);
  t.true((await largestRelativeGap(linear, data.X, data.nRows)) < 1e-5);
});
