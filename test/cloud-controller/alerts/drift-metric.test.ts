import test from 'ava';
import { createLogger } from '../../../protocols/runtime/logger.js';
import type { UpBatch } from '../../../protocols/messages/up.js';
import { AlertManager } from '../../../cloud-controller/alerts/alert-manager.js';
import { controllerMetricSource } from '../../../cloud-controller/alerts/controller-metrics.js';
import { alertsConfigSchema } from '../../../cloud-controller/alerts/schema.js';
import { accuracyMonitoringConfigSchema } from '../../../cloud-controller/monitoring/accuracy/thresholds.js';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { tempDir, TestClock } from '../helpers.js';
import { enrolTestDevices } from '../monitoring/accuracy/accuracy-fixture.js';

/** One hourly drift record as the agent sends it, with the largest feature PSI `psi`. */
function driftRecord(seq: number, hour: number, psi: number): UpBatch['records'][number] {
  const start = new Date(Date.UTC(2026, 2, 3, hour));
  return {
    kind: 'drift', seq, ts: new Date(start.getTime() + 3_600_000).toISOString(), model: { name: 'units', version: 1 },
    windowStart: start.toISOString(), windowEnd: new Date(start.getTime() + 3_600_000).toISOString(), n: 200,
    features: [{ name: 'lag_7', psi, missingShare: 0, counts: [100, 100] }, { name: 'price', psi: 0.01, missingShare: 0, counts: [200] }],
    prediction: { psi: 0.02, counts: [200] },
  };
}

test('a drift rule reads the stored drift records: sustained PSI opens one alert per store, one window alone does not', async (t) => {
  const db = openControllerDb(tempDir());
  t.teardown(() => db.close());
  const fleet = await enrolTestDevices(db);
  const ingest = new TelemetryIngest(db);
  const send = (deviceId: string, records: UpBatch['records']): void => {
    ingest.ingest(deviceId, { v: 1, type: 'batch', id: `b-${deviceId}`, ts: '2026-03-03T12:00:00.000Z', fromSeq: records[0].seq, toSeq: records.at(-1)!.seq, records } as unknown as UpBatch);
  };
  send('d1a', [driftRecord(1, 8, 0.05), driftRecord(2, 9, 0.4), driftRecord(3, 10, 0.5), driftRecord(4, 11, 0.6)]);
  send('d2', [driftRecord(1, 8, 0.05), driftRecord(2, 9, 0.05), driftRecord(3, 10, 0.05), driftRecord(4, 11, 0.7)]);
  const alerts = new AlertManager({
    db,
    config: alertsConfigSchema.parse({ rules: [{ name: 'psi-store', metric: 'drift.psi', level: 'store', threshold: 0.25, windows: 3, minSamples: 100 }] }),
    source: controllerMetricSource(db, fleet, accuracyMonitoringConfigSchema.parse({})),
    now: new TestClock(new Date('2026-03-03T12:00:00.000Z')).now,
    log: createLogger('test', { level: 'silent' }),
  });
  const { opened } = alerts.evaluate();
  t.deepEqual(opened.map((alert) => alert.subject), ['s1']);
  t.deepEqual(opened[0].evidence.windows.map((window) => window.value), [0.4, 0.5, 0.6]);
  t.deepEqual(alerts.evaluate().opened, [], 'one alert per rule and subject while it is open');
});
