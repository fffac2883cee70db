import test from 'ava';
import { wape } from '../../../../protocols/metrics/regression.js';
import { createNormalRandom, createRandom } from '../../../../model-packager/learners/random.js';
import { alarmParametersSchema, alarmState, cusumStep, detectionDelay } from '../../../../cloud-controller/monitoring/accuracy/alarm.js';

const parameters = alarmParametersSchema.parse({});
/** Pairs per window: a small store-day (docs/alerts.md states the rates for this size). */
const PAIRS = 200;

/** WAPE of one simulated window: actuals 0..19, forecast errors N(0, 3·scale). */
function windowWape(uniform: () => number, normal: () => number, errorScale: number): number {
  const actual: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const y = Math.floor(uniform() * 20);
    actual.push(y);
    predicted.push(y + normal() * 3 * errorScale);
  }
  return wape(actual, predicted);
}

/** Runs the alarm over windows whose errors scale by `shift` from window `from`; returns the states. */
function run(seed: number, windows: number, shift = 1, from = Number.POSITIVE_INFINITY): string[] {
  const uniform = createRandom(seed);
  const normal = createNormalRandom(uniform);
  // Validation WAPE = the process's expected WAPE: E|e| / E|y| = 3·√(2/π) / 9.5.
  const reference = (3 * Math.sqrt(2 / Math.PI)) / 9.5;
  let statistic = 0;
  const states: string[] = [];
  for (let w = 0; w < windows; w += 1) {
    statistic = cusumStep(statistic, windowWape(uniform, normal, w >= from ? shift : 1) / reference - 1, parameters);
    states.push(alarmState(statistic, parameters));
  }
  return states;
}

test('30 clean windows on 5 seeds raise no alarm (false alarms reported)', (t) => {
  let alarms = 0;
  let warnings = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const states = run(seed, 30);
    alarms += states.filter((state) => state === 'alarm').length;
    warnings += states.filter((state) => state === 'warning').length;
  }
  t.log(`false alarms: ${alarms} of 150 clean windows (warnings ${warnings})`);
  t.is(alarms, 0);
});

test('a sustained 50 % WAPE degradation alarms within the stated delay on every seed', (t) => {
  const stated = detectionDelay(0.5, parameters);
  t.is(stated, 2);
  for (const seed of [1, 2, 3, 4, 5]) {
    const states = run(seed, 20, 1.5, 10);
    const first = states.indexOf('alarm');
    t.log(`seed ${seed}: alarm after ${first - 9} window(s)`);
    t.true(first >= 10 && first - 9 <= stated + 1, `seed ${seed}: first alarm at ${first}`);
  }
});

test('one window, however bad, reaches warning but never alarm; the next good windows bring it back', (t) => {
  let statistic = cusumStep(0, 5, parameters);
  t.is(alarmState(statistic, parameters), 'warning');
  for (let w = 0; w < 3; w += 1) statistic = cusumStep(statistic, 0, parameters);
  t.is(alarmState(statistic, parameters), 'ok');
  t.is(cusumStep(statistic, null, parameters), statistic);
  t.is(detectionDelay(0.05, parameters), Number.POSITIVE_INFINITY);
});
