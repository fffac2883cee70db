import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The .wat source sits in the source tree (tsc does not copy it to dist/). */
export const histogramWatPath = fileURLToPath(new URL('../../../../../model-packager/learners/gbdt/wasm/histogram.wat', import.meta.url));

/** Text of histogram.wat. */
export function readHistogramWat(): string {
  return readFileSync(histogramWatPath, 'utf8');
}
