import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailySeries } from '../../../cloud-controller/experiments/daily-series.js';
import { DEFAULT_MSPRT, dieboldMariano, expectedDaysToReject, mixtureSprt, verdictOf } from '../../../cloud-controller/experiments/statistics.js';
import { generatedExperiment } from './generated-differentials.js';

/**
 * Acceptance of issue #13 "Shadow experiment on generated data": the controller's statistics
 * driven with differentials from real forecasts (seasonal naive, ridge on seasonal lags) on
 * model-packager's generated chains, one chain per seed; the operator looks every day.
 */
const SEEDS = 100;
const ALPHA = DEFAULT_MSPRT.alpha;

let dir: string;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-exp-stats-'));
});
test.after.always(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.serial('an equally good challenger is concluded better in at most α of seeds, looking every day', async (t) => {
  let falsePositives = 0;
  let dmFixedHorizon = 0;
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const series = dailySeries(await generatedExperiment(seed, 'equal', dir)).map((day) => day.meanDiff);
    // verdictOf looks at every prefix: an always-valid test must survive daily peeking.
    if (verdictOf(series) === 'challenger-better') falsePositives += 1;
    if ((dieboldMariano(series)?.pValue ?? 1) < ALPHA && (dieboldMariano(series)?.meanDifferential ?? 0) > 0) dmFixedHorizon += 1;
  }
  const rate = falsePositives / SEEDS;
  // Binomial(SEEDS, α/2 one-sided) would give α/2 on average; the bound allows the sampling error of SEEDS seeds.
  t.log(`false-positive rate (mSPRT, daily looks, challenger called better): ${falsePositives}/${SEEDS} = ${(rate * 100).toFixed(1)} % (nominal α = ${ALPHA * 100} %); DM-HLN at the fixed 42-day horizon: ${dmFixedHorizon}/${SEEDS}`);
  t.true(rate <= ALPHA, `false-positive rate ${rate} above α ${ALPHA}`);
});

test.serial('a truly better challenger is concluded better within the expected number of days', async (t) => {
  const BETTER_SEEDS = 20;
  const days: number[] = [];
  const expected: number[] = [];
  let dmSignificant = 0;
  for (let seed = 1; seed <= BETTER_SEEDS; seed += 1) {
    const series = dailySeries(await generatedExperiment(seed, 'better', dir, { stores: 3, items: 16, days: 42 })).map((day) => day.meanDiff);
    t.not(verdictOf(series), 'champion-better', `seed ${seed}`);
    days.push(mixtureSprt(series)?.rejectedOnDay ?? Infinity);
    // The expectation from the effect size of the whole series (what the operator plans with).
    const m = series.reduce((s, v) => s + v, 0) / series.length;
    const sd = Math.sqrt(series.reduce((s, v) => s + (v - m) ** 2, 0) / (series.length - 1));
    expected.push(expectedDaysToReject(m / sd));
    const dm = dieboldMariano(series);
    if (dm !== null && dm.pValue < ALPHA && dm.meanDifferential > 0) dmSignificant += 1;
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const concluded = days.filter((day) => Number.isFinite(day)).length;
  t.log(`better challenger concluded better in ${concluded}/${BETTER_SEEDS} seeds within 42 days; days to conclusion: median ${median(days)} (expected ≈ ${median(expected)}; first look on day ${DEFAULT_MSPRT.minDays}); DM-HLN significant at day 42: ${dmSignificant}/${BETTER_SEEDS}`);
  // Power is not 1 on a chain with holidays and promotions: some seeds' ridge gains little.
  t.true(concluded >= 0.85 * BETTER_SEEDS);
  t.true(median(days) <= Math.max(DEFAULT_MSPRT.minDays, 2 * median(expected)));
});

test('an identical challenger (same model) gives zero differentials and is never concluded', (t) => {
  const series = new Array<number>(60).fill(0);
  t.is(verdictOf(series), 'undecided');
  t.is(dieboldMariano(series)?.pValue, 1);
});

test('DM-HLN matches a hand computation', (t) => {
  // d = 1,2,3,4,5: d̄ = 3, γ0 = 2, DM = 3/√(2/5), HLN factor √(4/5), t on 4 df.
  const result = dieboldMariano([1, 2, 3, 4, 5]);
  t.truthy(result);
  t.true(Math.abs(result!.dm - 3 / Math.sqrt(2 / 5)) < 1e-12);
  t.true(Math.abs(result!.hln - (3 / Math.sqrt(2 / 5)) * Math.sqrt(4 / 5)) < 1e-12);
  t.is(result!.degreesOfFreedom, 4);
  // t(4) two-sided p for 4.2426… is 0.01324 (R: 2*pt(-4.242641, 4)).
  t.true(Math.abs(result!.pValue - 0.013236) < 1e-4);
});
