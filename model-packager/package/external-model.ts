import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { featureSpecSchema } from '../../protocols/features/spec.js';

/**
 * `--input-schema` of a brought-in ONNX model (DESIGN "Where users outgrow one machine": a
 * model trained elsewhere, e.g. distributed XGBoost, is packaged like our own).
 */
export const externalInputSchema = z.object({
  /** Graph input: one float32 tensor [N, features.length]. */
  inputName: z.string().min(1).default('features'),
  /** Graph output holding one prediction per row ([N] or [N, 1]). */
  outputName: z.string().min(1).default('prediction'),
  /** Feature order of the input tensor; also the reference CSV's column names. */
  features: z.array(z.string().min(1)).min(1),
  task: z.enum(['regression', 'binary']).default('regression'),
  objective: z.string().min(1).max(64).default('squared'),
  /** Feature spec the agent runs to build the input rows. */
  featureSpec: featureSpecSchema,
  /** Optional column of the reference CSV with actuals, for validation error statistics. */
  target: z.string().min(1).optional(),
});
export type ExternalInputSchema = z.infer<typeof externalInputSchema>;

/** Reads and validates the input-schema JSON file. */
export async function readExternalInputSchema(path: string): Promise<ExternalInputSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `input schema ${path} is not readable JSON`, { path }, { cause: error });
  }
  const parsed = externalInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `input schema ${issue.path.join('.')}: ${issue.message}`, { path: issue.path.join('.') });
  }
  return parsed.data;
}

/**
 * Reads reference rows from a CSV with a header naming every schema feature (extra columns are
 * ignored). Empty feature cells are missing (NaN); an empty target or any other non-number is
 * FC_ERR_PACKAGE_INPUT_INVALID.
 */
export async function readReferenceCsv(path: string, features: string[], target?: string): Promise<{ rows: Float32Array; targets: Float64Array | null }> {
  let records: Record<string, string>[];
  try {
    records = parse(await readFile(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (error) {
    throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `reference CSV ${path} cannot be read`, { path }, { cause: error });
  }
  if (records.length === 0) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `reference CSV ${path} has no rows`);
  const columns = target ? [...features, target] : features;
  const missing = columns.filter((name) => !(name in records[0]));
  if (missing.length > 0) throw new FleetcastError('FC_ERR_EXPORT_INPUT_SCHEMA_MISMATCH', `reference CSV lacks columns ${missing.join(', ')}`, { missing });
  const number = (cell: string, row: number, column: string) => {
    if (cell === '' && column !== target) return Number.NaN;
    const value = cell === '' ? Number.NaN : Number(cell);
    if (!Number.isFinite(value)) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `row ${row + 2}, column ${column}: ${JSON.stringify(cell)} is not a number`, { row: row + 2, column });
    return value;
  };
  const rows = new Float32Array(records.length * features.length);
  records.forEach((record, r) => features.forEach((name, c) => (rows[r * features.length + c] = number(record[name], r, name))));
  const targets = target ? Float64Array.from(records, (record, r) => number(record[target], r, target)) : null;
  return { rows, targets };
}
