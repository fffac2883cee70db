import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSalesData } from '../../../model-packager/data/generator/generate-sales.js';
import { solveSymmetric } from '../../../model-packager/learners/linear/solve-symmetric.js';
import type { DifferentialCounters } from '../../../cloud-controller/experiments/daily-series.js';

/** Seasonal lags the models read (the agent's lag features). */
const LAGS = [7, 14, 21, 28];
/** Days of history before training starts (the longest lag). */
const WARMUP = 28;
/** Days the ridge models are fit on, before the experiment's days. */
const TRAIN_DAYS = 28;

/** A forecaster over one series: the prediction for day `t` from days before it. */
type Forecaster = (series: Float64Array, t: number) => number;

/** Seasonal naive (model-packager's baseline): the same weekday a week earlier. */
const seasonalNaive: Forecaster = (series, t) => series[t - 7];

/** Ridge regression on [1, lag7, lag14, lag21, lag28] fit on `train` (series × days). */
function fitLagRidge(train: Array<{ series: Float64Array; from: number; to: number }>): Forecaster {
  const k = LAGS.length + 1;
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  const x = new Float64Array(k);
  for (const { series, from, to } of train) {
    for (let t = from; t < to; t += 1) {
      x[0] = 1;
      LAGS.forEach((lag, i) => (x[i + 1] = series[t - lag]));
      for (let i = 0; i < k; i += 1) {
        b[i] += x[i] * series[t];
        for (let j = 0; j < k; j += 1) A[i * k + j] += x[i] * x[j];
      }
    }
  }
  for (let i = 1; i < k; i += 1) A[i * k + i] += 1e-3;
  const w = solveSymmetric(A, b, k);
  return (series, t) => w[0] + LAGS.reduce((sum, lag, i) => sum + w[i + 1] * series[t - lag], 0);
}

/** Which challenger an experiment runs. */
export type ChallengerKind = 'better' | 'equal';

/**
 * One generated shadow experiment: a chain from model-packager's generator (seeded), a
 * champion and a challenger forecasting every (store, item, day) of the experiment window, and
 * the per-store daily counters an agent would upload (absolute-error loss).
 *
 * - `better`: champion = seasonal naive, challenger = ridge on four seasonal lags (averages the noise away).
 * - `equal`: both arms are the same two real models, each forecast answered by one or the other
 *   on a fair coin (seeded): the arms are exchangeable, so neither is better in expectation, yet
 *   their forecasts differ as much as two real models do (an exactly identical model gives d ≡ 0,
 *   which no test can call better and which the unit test below covers on its own).
 */
export async function generatedExperiment(seed: number, kind: ChallengerKind, dir: string, options = { stores: 2, items: 8, days: 42 }): Promise<DifferentialCounters[]> {
  const out = join(dir, `chain-${seed}.csv`);
  const totalDays = WARMUP + TRAIN_DAYS + options.days;
  await generateSalesData({ stores: options.stores, items: options.items, days: totalDays, seed, out });
  const lines = (await readFile(out, 'utf8')).trim().split('\n').slice(1);
  await rm(out, { force: true });
  await rm(`${out}.stores.json`, { force: true });
  const firstDay = Date.parse(`${lines[0].slice(0, 10)}T00:00:00Z`);
  const series = new Map<string, { store: string; units: Float64Array }>();
  for (const line of lines) {
    const [date, store, item, units] = line.split(',');
    const key = `${store}/${item}`;
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { store, units: new Float64Array(totalDays) }));
    entry.units[Math.round((Date.parse(`${date}T00:00:00Z`) - firstDay) / 86_400_000)] = Number(units);
  }
  const all = [...series.values()];
  const trainWindow = (list: typeof all): Array<{ series: Float64Array; from: number; to: number }> => list.map(({ units }) => ({ series: units, from: WARMUP, to: WARMUP + TRAIN_DAYS }));
  const naive = seasonalNaive;
  const ridge = fitLagRidge(trainWindow(all));
  // Deterministic coin per forecast (xorshift seeded by the seed), for the `equal` pair.
  let state = (seed * 2654435761) >>> 0 || 1;
  const coin = (): boolean => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) < 2 ** 31);
  const pick = (t: number, units: Float64Array): [number, number] => {
    const [a, b] = [naive(units, t), ridge(units, t)];
    if (kind === 'better') return [a, b];
    return coin() ? [a, b] : [b, a];
  };
  const counters = new Map<string, DifferentialCounters>();
  for (const { store, units } of all) {
    for (let t = WARMUP + TRAIN_DAYS; t < totalDays; t += 1) {
      const day = new Date(firstDay + t * 86_400_000).toISOString().slice(0, 10);
      const key = `${store}/${day}`;
      let c = counters.get(key);
      if (!c) counters.set(key, (c = { device: store, day, n: 0, sumDiff: 0, sumDiffSquared: 0, sumLossChampion: 0, sumLossChallenger: 0 }));
      const [championForecast, challengerForecast] = pick(t, units);
      const lossChampion = Math.abs(championForecast - units[t]);
      const lossChallenger = Math.abs(challengerForecast - units[t]);
      const d = lossChampion - lossChallenger;
      c.n += 1;
      c.sumDiff += d;
      c.sumDiffSquared += d * d;
      c.sumLossChampion += lossChampion;
      c.sumLossChallenger += lossChallenger;
    }
  }
  return [...counters.values()];
}
