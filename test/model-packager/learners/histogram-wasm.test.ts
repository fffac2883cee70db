import test from 'ava';
import { compileWat } from '../../../model-packager/learners/gbdt/wasm/compile-wat.js';
import { histogramWasmBase64 } from '../../../model-packager/learners/gbdt/wasm/histogram-wasm.js';
import { readHistogramWat } from '../../../model-packager/learners/gbdt/wasm/wat-source.js';

test('the committed histogram kernel binary is histogram.wat assembled', async (t) => {
  const assembled = await compileWat('histogram.wat', readHistogramWat());
  t.is(Buffer.from(assembled).toString('base64'), histogramWasmBase64);
});
