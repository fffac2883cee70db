import type { RunRecord } from '../tracking/run-record.js';

/** Two runs side by side (`fleetcast runs compare`). */
export interface RunComparison {
  runs: [string, string];
  /** Holdout metrics of each run's model (and seasonal naive, prefixed `naive.`); delta = b − a. */
  metrics: { metric: string; values: [number | null, number | null]; delta: number | null }[];
  /** Parameters that differ. */
  params: { name: string; values: [unknown, unknown] }[];
}

function flatMetrics(run: RunRecord): Record<string, number> {
  if (!run.metrics) return {};
  const naive = Object.entries(run.metrics.seasonalNaive ?? {}).map(([k, v]) => [`naive.${k}`, v] as const);
  return { ...run.metrics.model, ...Object.fromEntries(naive) };
}

/** Compares the holdout metrics and parameters of run `a` and run `b`. */
export function compareRuns(a: RunRecord, b: RunRecord): RunComparison {
  const ma = flatMetrics(a);
  const mb = flatMetrics(b);
  const names = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort();
  const paramNames = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort();
  return {
    runs: [a.id, b.id],
    metrics: names.map((metric) => {
      const values: [number | null, number | null] = [ma[metric] ?? null, mb[metric] ?? null];
      return { metric, values, delta: values[0] !== null && values[1] !== null ? values[1] - values[0] : null };
    }),
    params: paramNames.filter((name) => JSON.stringify(a.params[name]) !== JSON.stringify(b.params[name])).map((name) => ({ name, values: [a.params[name], b.params[name]] as [unknown, unknown] })),
  };
}
