/** Additive loss-differential counters of one store, day and experiment (the agent's `experiment` record). */
export interface DifferentialCounters {
  device: string;
  day: string;
  /** Matched (forecast, actual) pairs scored by both models. */
  n: number;
  /** Σd with d = L(champion) − L(challenger). */
  sumDiff: number;
  /** Σd². */
  sumDiffSquared: number;
  sumLossChampion: number;
  sumLossChallenger: number;
}

/** One day of the fleet series, with its stores' own means for drill-down. */
export interface SeriesDay {
  day: string;
  n: number;
  /** Σd/n over every store that day. */
  meanDiff: number;
  meanLossChampion: number;
  meanLossChallenger: number;
  /** Per store mean differential that day. */
  stores: Record<string, number>;
}

/**
 * Folds counters (any number per device and day: the agent uploads pending sums as they grow)
 * into the daily mean differential series, oldest day first. Days without pairs are absent, not
 * zero, so a closed store does not pull the mean towards "no difference".
 */
export function dailySeries(counters: readonly DifferentialCounters[]): SeriesDay[] {
  const days = new Map<string, { n: number; sum: number; champion: number; challenger: number; stores: Map<string, { n: number; sum: number }> }>();
  for (const c of counters) {
    if (c.n <= 0) continue;
    let day = days.get(c.day);
    if (!day) days.set(c.day, (day = { n: 0, sum: 0, champion: 0, challenger: 0, stores: new Map() }));
    day.n += c.n;
    day.sum += c.sumDiff;
    day.champion += c.sumLossChampion;
    day.challenger += c.sumLossChallenger;
    const store = day.stores.get(c.device) ?? { n: 0, sum: 0 };
    store.n += c.n;
    store.sum += c.sumDiff;
    day.stores.set(c.device, store);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, v]) => ({
      day,
      n: v.n,
      meanDiff: v.sum / v.n,
      meanLossChampion: v.champion / v.n,
      meanLossChallenger: v.challenger / v.n,
      stores: Object.fromEntries([...v.stores.entries()].map(([device, s]) => [device, s.sum / s.n])),
    }));
}
