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
  /** Per store that day: its mean differential (shadow) or its own arm's mean loss (split). */
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

/** Accuracy counters of one device, model and day (the agent's `accuracy` record, active role). */
export interface ArmAccuracy {
  device: string;
  day: string;
  n: number;
  sumAbsError: number;
}

/**
 * The daily series of a split experiment, where each store runs one arm: per day, the mean
 * absolute error over the champion arm's stores minus that over the challenger arm's, on days
 * both arms have matched actuals. Loss is the same absolute error the shadow counters use, so
 * the same tests apply (the arms' stores differ, which stratification by region keeps fair).
 */
export function splitSeries(champion: readonly ArmAccuracy[], challenger: readonly ArmAccuracy[]): SeriesDay[] {
  const fold = (rows: readonly ArmAccuracy[]): Map<string, { n: number; loss: number; stores: Map<string, { n: number; loss: number }> }> => {
    const days = new Map<string, { n: number; loss: number; stores: Map<string, { n: number; loss: number }> }>();
    for (const row of rows) {
      if (row.n <= 0) continue;
      let day = days.get(row.day);
      if (!day) days.set(row.day, (day = { n: 0, loss: 0, stores: new Map() }));
      day.n += row.n;
      day.loss += row.sumAbsError;
      const store = day.stores.get(row.device) ?? { n: 0, loss: 0 };
      store.n += row.n;
      store.loss += row.sumAbsError;
      day.stores.set(row.device, store);
    }
    return days;
  };
  const a = fold(champion);
  const b = fold(challenger);
  return [...a.keys()]
    .filter((day) => b.has(day))
    .sort()
    .map((day) => {
      const [x, y] = [a.get(day)!, b.get(day)!];
      const stores = Object.fromEntries([...x.stores, ...y.stores].map(([device, s]) => [device, s.loss / s.n]));
      return { day, n: x.n + y.n, meanDiff: x.loss / x.n - y.loss / y.n, meanLossChampion: x.loss / x.n, meanLossChallenger: y.loss / y.n, stores };
    });
}
