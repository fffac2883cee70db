import { z } from 'zod';
import { toEpochDay } from './epoch-day.js';
import type { FeatureRequest } from './build-features.js';
import type { SalesHistory } from './sales-history.js';
import type { FeatureSpec } from './spec.js';

/**
 * How much of the sales history a feature spec reads was there for a request (issue #10): a
 * store without history still gets forecasts, but its lag and rolling features are missing and
 * the POS must be able to tell. `full`: every day a lag or rolling window reads is observed for
 * every row; `none`: no such day for any row; else `partial`. A spec without lags or rolling
 * windows is always `full`.
 */
export const historyCompletenessSchema = z.enum(['full', 'partial', 'none']);
export type HistoryCompleteness = z.infer<typeof historyCompletenessSchema>;

/** Observed / needed units days of one request (needed = distinct days the lags and windows read). */
function coverage(spec: FeatureSpec, history: SalesHistory, request: FeatureRequest): { observed: number; needed: number } {
  const day = toEpochDay(request.date);
  const needed = new Set<number>(spec.lags.map((lag) => day - lag));
  for (const window of spec.rolling) for (let d = day - spec.horizon - window.window + 1; d <= day - spec.horizon; d += 1) needed.add(d);
  const series = history.get(request.store, request.item);
  let observed = 0;
  if (series) {
    for (const d of needed) {
      const index = d - series.firstDay;
      if (index >= 0 && index < series.length && !Number.isNaN(series.units[index])) observed += 1;
    }
  }
  return { observed, needed: needed.size };
}

/** Completeness of the history features of `requests` (see `historyCompletenessSchema`). */
export function historyCompleteness(spec: FeatureSpec, history: SalesHistory, requests: readonly FeatureRequest[]): HistoryCompleteness {
  let full = 0;
  let none = 0;
  for (const request of requests) {
    const { observed, needed } = coverage(spec, history, request);
    if (observed === needed) full += 1;
    else if (observed === 0) none += 1;
  }
  return full === requests.length ? 'full' : none === requests.length ? 'none' : 'partial';
}
