/**
 * TEST-ONLY crash hook (issue #5 acceptance: kill the process in every update state).
 * With `FLEETCAST_TEST_HOLD_STATE=<point>` the process, right after persisting that point,
 * prints `FLEETCAST_TEST_HOLD <point>` on stderr and waits forever without exiting, so a test
 * can SIGKILL it exactly there. Points are the update states plus
 * `downloading:mid-chunk@<offset>` (half of the blob chunk at `offset` written to the partial
 * file, not yet fsync'd nor recorded). Unset in
 * production; it has no other effect.
 */
export const TEST_HOLD_ENV = 'FLEETCAST_TEST_HOLD_STATE';

/** The marker line a held process prints (stderr). */
export function testHoldMarker(point: string): string {
  return `FLEETCAST_TEST_HOLD ${point}`;
}

/** Pauses forever when the test hook names `point`; returns at once otherwise. */
export async function holdForTest(point: string): Promise<void> {
  if (process.env[TEST_HOLD_ENV] !== point) return;
  process.stderr.write(`${testHoldMarker(point)}\n`);
  // A pending timer keeps the event loop (and thus the process) alive until the SIGKILL.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
