import test from 'ava';
import fc from 'fast-check';
import { backoffDelayMs } from '../../../protocols/runtime/backoff.js';

const policy = { minMs: 500, maxMs: 60_000, jitter: 0.2 };

test('reconnect delay doubles from minMs and is capped at maxMs (no jitter at random = 0.5)', (t) => {
  const delays = [0, 1, 2, 3, 7, 8, 50].map((attempt) => backoffDelayMs(policy, attempt, () => 0.5));
  t.deepEqual(delays, [500, 1_000, 2_000, 4_000, 60_000, 60_000, 60_000]);
});

test('jitter keeps every delay within ±jitter of the capped exponential', (t) => {
  t.notThrows(() =>
    fc.assert(
    fc.property(fc.nat(100), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
      const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 30));
      const delay = backoffDelayMs(policy, attempt, () => random);
      return delay >= Math.floor(base * (1 - policy.jitter)) && delay <= Math.ceil(base * (1 + policy.jitter));
    }),
    ),
  );
});
