import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import { readableNumber } from '../../protocols/runtime/format.js';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import type { Predictor } from './predictor.js';
import { readBatchCsv } from './batch-csv.js';
import type { Granularity } from '../../model-packager/data/ingest/daily-table.js';

/** Rows scored per onnxruntime call: big enough to amortise the worker round trip, small enough for a smooth progress bar. */
const CHUNK_ROWS = 4096;

/** Summary of one batch run (`fleetcast predict --json`). */
export interface BatchPredictResult {
  model: ModelRef;
  rows: number;
  clamped: number;
  output: string;
}

/** Splits `name@ref` (ref: alias, stage or version); a bare name means Production. */
export function parseModelSpec(spec: string): { name: string; ref: string } {
  const [name, ref, extra] = spec.split('@');
  if (!name || extra !== undefined || ref === '') throw new FleetcastError('FC_ERR_USAGE', `--model must be name@alias, name@version or name (Production): ${spec}`);
  return { name, ref: ref ?? 'Production' };
}

function csvCell(value: string | number | undefined): string {
  // Six significant digits: all a float32 model output holds, without 17-digit noise (issue #11).
  return value === undefined ? '' : typeof value === 'number' ? readableNumber(value, 6) : value;
}

/**
 * Batch inference (issue #6): scores every row of a canonical sales CSV with the resolved
 * version and writes `date,store,item,units,prediction` (units empty for future days). The
 * output is written to a temp file and renamed, so a crash never leaves a half file that a
 * downstream job could mistake for a complete forecast.
 */
export async function runBatchPredict(predictor: Predictor, modelSpec: string, inputPath: string, outputPath: string, progress: ProgressReporter, granularity: Granularity = 'daily'): Promise<BatchPredictResult> {
  const { name, ref } = parseModelSpec(modelSpec);
  const input = await readBatchCsv(inputPath, granularity);
  const history = SalesHistory.fromRows(input.history);
  mkdirSync(dirname(outputPath), { recursive: true });
  const temp = `${outputPath}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  out.write('date,store,item,units,prediction\n');
  progress.start(input.rows.length, `predict ${name}@${ref}`);
  let model: ModelRef | null = null;
  let clamped = 0;
  for (let start = 0; start < input.rows.length; start += CHUNK_ROWS) {
    const chunk = input.rows.slice(start, start + CHUNK_ROWS);
    const result = await predictor.predict(name, ref, chunk.map((entry) => entry.row), history);
    model = result.model;
    clamped += result.clamped;
    const lines = result.predictions.map((p, i) => [p.date, p.store, p.item, csvCell(chunk[i].units), csvCell(p.value)].join(','));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
    progress.update(start + chunk.length);
  }
  out.end();
  await once(out, 'finish');
  renameSync(temp, outputPath);
  progress.stop();
  return { model: model as ModelRef, rows: input.rows.length, clamped, output: outputPath };
}
