import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccuracyCounters } from '../../../../edge-agent/accuracy/accuracy-counters.js';
import { openAgentDb } from '../../../../edge-agent/storage/db.js';
import { Outbox } from '../../../../edge-agent/storage/outbox.js';
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
 * Sends each device's pairs through the agent's own code: its accuracy counters (SQLite), drained
 * into its outbox, uploaded as one `up` batch into the controller's real ingest path.
 */
export function ingestPairs(db: ControllerDb, pairs: readonly RawPair[], model: { name: string; version: number }): void {
  const ingest = new TelemetryIngest(db);
  const dir = mkdtempSync(join(tmpdir(), 'fc-agent-accuracy-'));
  for (const deviceId of new Set(pairs.map((pair) => pair.deviceId))) {
    const agentDb = openAgentDb(join(dir, `${deviceId}.db`));
    const counters = new AccuracyCounters(agentDb);
    const outbox = new Outbox(agentDb, 64 * 1024 * 1024);
    for (const pair of pairs.filter((candidate) => candidate.deviceId === deviceId)) {
      counters.add({ store: deviceId, item: 'i1', date: pair.day, model, role: 'active', value: pair.predicted }, pair.actual);
    }
    counters.drainTo(outbox, new Date('2026-03-04T00:00:00.000Z'));
    const records = outbox.oldest(1_000);
    ingest.ingest(deviceId, { v: 1, type: 'batch', id: `b-${deviceId}`, ts: '2026-03-04T00:00:00.000Z', incarnation: outbox.incarnation, fromSeq: records[0].seq, toSeq: records.at(-1)!.seq, records } as unknown as UpBatch);
    agentDb.close();
  }
  rmSync(dir, { recursive: true, force: true });
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
