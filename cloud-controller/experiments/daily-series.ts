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

/** Sums of one day: pairs, the summed value, and the same per store. */
interface DaySums {
  n: number;
  sum: number;
  stores: Map<string, { n: number; sum: number }>;
}

/**
 * Adds `n` pairs whose values sum to `sum` from `device` to `day` of `days`; returns the day's
 * sums. Rows with no pairs are skipped (null), so days without pairs stay absent, not zero.
 */
function addTo<T extends DaySums>(days: Map<string, T>, day: string, device: string, n: number, sum: number, fresh: () => T): T | null {
  if (n <= 0) return null;
  let sums = days.get(day);
  if (!sums) days.set(day, (sums = fresh()));
  sums.n += n;
  sums.sum += sum;
  const store = sums.stores.get(device) ?? { n: 0, sum: 0 };
  store.n += n;
  store.sum += sum;
  sums.stores.set(device, store);
  return sums;
}

const storeMeans = (sums: DaySums): Record<string, number> => Object.fromEntries([...sums.stores].map(([device, s]) => [device, s.sum / s.n]));

/**
 * Folds counters (any number per device and day: the agent uploads pending sums as they grow)
 * into the daily mean differential series, oldest day first. Days without pairs are absent, not
 * zero, so a closed store does not pull the mean towards "no difference".
 */
export function dailySeries(counters: readonly DifferentialCounters[]): SeriesDay[] {
  const days = new Map<string, DaySums & { champion: number; challenger: number }>();
  for (const c of counters) {
    const sums = addTo(days, c.day, c.device, c.n, c.sumDiff, () => ({ n: 0, sum: 0, champion: 0, challenger: 0, stores: new Map() }));
    if (!sums) continue;
    sums.champion += c.sumLossChampion;
    sums.challenger += c.sumLossChallenger;
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, v]) => ({ day, n: v.n, meanDiff: v.sum / v.n, meanLossChampion: v.champion / v.n, meanLossChallenger: v.challenger / v.n, stores: storeMeans(v) }));
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
  const fold = (rows: readonly ArmAccuracy[]): Map<string, DaySums> => {
    const days = new Map<string, DaySums>();
    for (const row of rows) addTo(days, row.day, row.device, row.n, row.sumAbsError, () => ({ n: 0, sum: 0, stores: new Map() }));
    return days;
  };
  const a = fold(champion);
  const b = fold(challenger);
  return [...a.keys()]
    .filter((day) => b.has(day))
    .sort()
    .map((day) => {
      const [x, y] = [a.get(day)!, b.get(day)!];
      return { day, n: x.n + y.n, meanDiff: x.sum / x.n - y.sum / y.n, meanLossChampion: x.sum / x.n, meanLossChallenger: y.sum / y.n, stores: { ...storeMeans(x), ...storeMeans(y) } };
    });
}
