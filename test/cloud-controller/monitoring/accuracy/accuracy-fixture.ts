import { addObservation, emptyCounters, type AccuracyCounters } from '../../../../protocols/metrics/counters.js';
import type { ControllerDb } from '../../../../cloud-controller/storage/db.js';
import { TelemetryIngest } from '../../../../cloud-controller/telemetry/ingest.js';
import { Fleet } from '../../../../cloud-controller/fleet/fleet.js';
import type { UpBatch } from '../../../../protocols/messages/up.js';

/** A served prediction matched with its actual, as the agent pairs them (issue #5). */
export interface RawPair {
  deviceId: string;
  day: string;
  actual: number;
  predicted: number;
}

/** The fleet of the monitoring tests: store s1 has two devices; regions north (s1, s2) and south (s3). */
export const TEST_DEVICES = [
  { id: 'd1a', store: 's1', region: 'north', tags: ['pilot'] },
  { id: 'd1b', store: 's1', region: 'north', tags: [] },
  { id: 'd2', store: 's2', region: 'north', tags: [] },
  { id: 'd3', store: 's3', region: 'south', tags: ['pilot'] },
];

/** Enrols TEST_DEVICES. */
export async function enrolTestDevices(db: ControllerDb): Promise<Fleet> {
  const fleet = new Fleet(db);
  for (const device of TEST_DEVICES) await fleet.enrolDevice({ ...device, timezone: 'UTC', profile: 'generic' });
  return fleet;
}

/**
 * Sends each device's pairs as the agent does: one additive `accuracy` record per model
 * version and day, through the controller's real ingest path. `seq` continues per device.
 */
export function ingestPairs(db: ControllerDb, pairs: readonly RawPair[], model: { name: string; version: number }, seqStart = 1): void {
  const ingest = new TelemetryIngest(db);
  const byDevice = new Map<string, Map<string, AccuracyCounters>>();
  for (const pair of pairs) {
    const days = byDevice.get(pair.deviceId) ?? new Map<string, AccuracyCounters>();
    byDevice.set(pair.deviceId, days);
    const counters = days.get(pair.day) ?? emptyCounters();
    days.set(pair.day, counters);
    addObservation(counters, pair.actual, pair.predicted);
  }
  for (const [deviceId, days] of byDevice) {
    const records = [...days].map(([day, counters], index) => ({ kind: 'accuracy' as const, seq: seqStart + index, ts: `${day}T23:00:00.000Z`, model, day, role: 'active' as const, ...counters }));
    ingest.ingest(deviceId, { v: 1, type: 'batch', id: `b-${deviceId}-${seqStart}`, ts: new Date().toISOString(), fromSeq: seqStart, toSeq: seqStart + records.length - 1, records } as unknown as UpBatch);
  }
}

/**
 * Three days of 100 pairs per day from `deviceId` with actual 10 and forecasts 10 ± `miss`:
 * WAPE = miss / 10, far above a validation WAPE of 0.2 for miss ≥ 4 — a sustained alarm.
 */
export function degradedPairs(deviceId: string, miss: number): RawPair[] {
  const pairs: RawPair[] = [];
  for (const day of ['2026-03-01', '2026-03-02', '2026-03-03']) {
    for (let i = 0; i < 100; i += 1) pairs.push({ deviceId, day, actual: 10, predicted: i % 2 === 0 ? 10 + miss : 10 - miss });
  }
  return pairs;
}
