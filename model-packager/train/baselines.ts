import type { SalesRow } from '../../protocols/data/sales-row.js';
import { toEpochDay, type SalesHistory } from '../../protocols/features/index.js';

/** Season length of daily retail sales. */
export const SEASONAL_PERIOD = 7;

/**
 * Seasonal naive: the units of the same weekday in the most recent week the agent would
 * already know, i.e. t − 7·⌈horizon/7⌉ (lag 7 for horizons up to a week). NaN without history.
 */
export function seasonalNaive(history: SalesHistory, rows: readonly SalesRow[], indices: Uint32Array, horizon: number): Float64Array {
  const lag = SEASONAL_PERIOD * Math.ceil(horizon / SEASONAL_PERIOD);
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const row = rows[indices[i]];
    const series = history.get(row.store, row.item);
    const index = toEpochDay(row.date) - lag - (series?.firstDay ?? 0);
    out[i] = series && index >= 0 && index < series.length ? series.units[index] : Number.NaN;
  }
  return out;
}

/** Moving average of the `window` days ending at t − horizon (missing days skipped; NaN without any). */
export function movingAverage(history: SalesHistory, rows: readonly SalesRow[], indices: Uint32Array, horizon: number, window = 28): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const row = rows[indices[i]];
    const series = history.get(row.store, row.item);
    if (!series) {
      out[i] = Number.NaN;
      continue;
    }
    const lastIndex = toEpochDay(row.date) - horizon - series.firstDay;
    let sum = 0;
    let n = 0;
    for (let k = Math.max(0, lastIndex - window + 1); k <= Math.min(series.length - 1, lastIndex); k += 1) {
      if (Number.isNaN(series.units[k])) continue;
      sum += series.units[k];
      n += 1;
    }
    out[i] = n === 0 ? Number.NaN : sum / n;
  }
  return out;
}
