import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { FleetcastError } from '../../../../protocols/errors/fleetcast-error.js';
import type { DriftSeries } from '../schema.js';
import { renderDriftReport } from './render-report.js';
import { accuracyInputSchema, alertsInputSchema } from './report-inputs.js';

/** Largest accuracy or alerts input file read (bounded input, issue #12). */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

async function readJsonInput<T extends z.ZodTypeAny>(path: string | undefined, schema: T): Promise<z.infer<T> | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', `cannot read ${path}`, { path }, { cause: error });
  }
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new FleetcastError('FC_ERR_USAGE', `${path} is larger than ${MAX_INPUT_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FleetcastError('FC_ERR_USAGE', `${path} is not JSON`, { path }, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new FleetcastError('FC_ERR_USAGE', `${path}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, { path });
  return parsed.data as z.infer<T>;
}

/** echarts' minified browser build, read from the installed package (inlined into the report). */
export async function echartsSource(): Promise<string> {
  return readFile(createRequire(import.meta.url).resolve('echarts/dist/echarts.min'), 'utf8');
}

/**
 * Writes the HTML report of `series` to `out`, with the accuracy trend and alerts from files
 * (`accuracyPath`, `alertsPath`, validated) or as read from the controller (`accuracy`, `alerts`).
 */
export async function writeDriftReport(options: {
  series: DriftSeries;
  out: string;
  accuracyPath?: string;
  alertsPath?: string;
  accuracy?: z.infer<typeof accuracyInputSchema>;
  alerts?: z.infer<typeof alertsInputSchema>;
  now?: Date;
}): Promise<{ out: string; bytes: number; charts: number; windows: number }> {
  const accuracy = (await readJsonInput(options.accuracyPath, accuracyInputSchema)) ?? options.accuracy;
  const alerts = (await readJsonInput(options.alertsPath, alertsInputSchema)) ?? options.alerts;
  const html = renderDriftReport({ series: options.series, accuracy, alerts, echartsSource: await echartsSource(), generatedAt: options.now ?? new Date() });
  await writeFile(options.out, html);
  return { out: options.out, bytes: Buffer.byteLength(html), charts: (html.match(/class="chart"/g) ?? []).length, windows: options.series.windows.length };
}
