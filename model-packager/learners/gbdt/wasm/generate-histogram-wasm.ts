import { writeFileSync } from 'node:fs';
import { compileWat } from './compile-wat.js';
import { histogramWatPath, readHistogramWat } from './wat-source.js';

/**
 * Regenerates histogram-wasm.ts from histogram.wat (the binary is committed so that neither
 * the build nor the runtime needs an assembler; test/model-packager/learners checks that the
 * two agree).
 */
const binary = await compileWat('histogram.wat', readHistogramWat());
const target = histogramWatPath.replace(/histogram\.wat$/, 'histogram-wasm.ts');
writeFileSync(
  target,
  `/** Generated from histogram.wat by generate-histogram-wasm.ts — do not edit. */\nexport const histogramWasmBase64 =\n  '${Buffer.from(binary).toString('base64')}';\n`,
);
process.stdout.write(`${target}: ${binary.length} bytes\n`);
