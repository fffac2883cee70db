import { z } from 'zod';
import { canonicalColumns, type CanonicalColumn } from '../../../protocols/data/sales-row.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';

/**
 * Which source header feeds each canonical column (issue #3, `--map date="Order Date",target=Sales`).
 * Canonical columns without an entry are read from a header of the same name when present.
 */
export const columnMapSchema = z.record(z.enum(canonicalColumns), z.string().min(1));
export type ColumnMap = z.infer<typeof columnMapSchema>;

/** Aliases users write in `--map`; `target` is the forecasting term for the units column. */
const canonicalAliases: Readonly<Record<string, CanonicalColumn>> = { target: 'units' };

/**
 * Parses `--map` text: comma-separated `canonical=source` pairs, sources optionally quoted
 * ("Order Date") so that headers with commas or spaces survive. Several `--map` values merge.
 */
export function parseColumnMap(specs: readonly string[]): ColumnMap {
  const map: ColumnMap = {};
  for (const spec of specs) {
    for (const pair of splitPairs(spec)) {
      const equals = pair.indexOf('=');
      if (equals < 1) throw new FleetcastError('FC_ERR_DATA_MAPPING_INVALID', `"${pair}" is not canonical=source`);
      const name = pair.slice(0, equals).trim();
      const source = unquote(pair.slice(equals + 1).trim());
      const canonical = canonicalAliases[name] ?? (canonicalColumns as readonly string[]).find((column) => column === name);
      if (!canonical) throw new FleetcastError('FC_ERR_DATA_MAPPING_INVALID', `unknown canonical column "${name}"`, { known: [...canonicalColumns, 'target'] });
      if (!source) throw new FleetcastError('FC_ERR_DATA_MAPPING_INVALID', `empty source column for "${name}"`);
      if (map[canonical as CanonicalColumn] !== undefined) throw new FleetcastError('FC_ERR_DATA_MAPPING_INVALID', `"${name}" is mapped twice`);
      map[canonical as CanonicalColumn] = source;
    }
  }
  return map;
}

/** Splits on commas that are outside double quotes. */
function splitPairs(spec: string): string[] {
  const pairs: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of spec) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      pairs.push(current);
      current = '';
    } else current += char;
  }
  pairs.push(current);
  return pairs.map((pair) => pair.trim()).filter((pair) => pair.length > 0);
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** Where each canonical column sits in the source header (-1 when absent), plus the source name looked for. */
export interface ResolvedColumns {
  index: Record<CanonicalColumn, number>;
  source: Record<CanonicalColumn, string>;
}

/** Resolves canonical columns against a header row; duplicate header names are refused. */
export function resolveColumns(header: readonly string[], map: ColumnMap): ResolvedColumns {
  const positions = new Map<string, number>();
  header.forEach((name, position) => {
    const trimmed = name.trim();
    if (positions.has(trimmed)) throw new FleetcastError('FC_ERR_DATA_DUPLICATE_HEADER', `"${trimmed}"`, { column: trimmed });
    positions.set(trimmed, position);
  });
  const index = {} as Record<CanonicalColumn, number>;
  const source = {} as Record<CanonicalColumn, string>;
  for (const column of canonicalColumns) {
    source[column] = map[column] ?? column;
    index[column] = positions.get(source[column]) ?? -1;
  }
  return { index, source };
}
