import { driftLayout } from '../../../protocols/drift/layout.js';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../../protocols/drift/thresholds.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Registry } from '../../registry/registry.js';
import type { ControllerDb } from '../../storage/db.js';
import { DriftRecords } from './drift-records.js';
import { mergeByBucket } from './merge.js';
import { ReferenceCache } from './reference-cache.js';
import type { DriftQuery, DriftSeries } from './schema.js';
import { referenceView, windowView } from './series-view.js';

/**
 * Fleet drift (issue #12): device windows merged per store, region or fleet — counts add and
 * every statistic is recomputed from the merged counts with the same protocols/drift code the
 * agent runs, never averaged — as a time series of buckets.
 */
export class DriftMonitor {
  private readonly records: DriftRecords;
  private readonly references: ReferenceCache;

  constructor(db: ControllerDb, private readonly fleet: Fleet, registry: Registry, private readonly thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS) {
    this.records = new DriftRecords(db);
    this.references = new ReferenceCache(registry);
  }

  /** Devices of a level's subject; FC_ERR_DRIFT_SUBJECT_NOT_FOUND when a store or region has none. */
  devicesOf(level: DriftQuery['level'], subject: string | undefined): string[] {
    const devices = this.fleet.listDevices().filter((device) => level === 'fleet' || (level === 'store' ? device.store : device.region) === subject);
    if (devices.length === 0 && level !== 'fleet') throw new FleetcastError('FC_ERR_DRIFT_SUBJECT_NOT_FOUND', `no device in ${level} ${subject}`, { level, subject });
    return devices.map((device) => device.id);
  }

  async series(query: DriftQuery): Promise<DriftSeries> {
    const devices = this.devicesOf(query.level, query.subject);
    const version = query.version ?? this.records.latestVersion(query.model);
    const thresholds = { ...this.thresholds, ...overridesOf(query) };
    const base = { level: query.level, subject: query.level === 'fleet' ? null : query.subject ?? null, model: query.model, version, devices, thresholds };
    if (version === null) return { ...base, reference: null, windows: [], skippedWindows: 0 };
    const { profile, features } = await this.references.get(query.model, version);
    const layouts = driftLayout(profile, features);
    const { records, skipped } = this.records.read({ model: query.model, version, deviceIds: new Set(devices), from: query.from, to: query.to });
    const predictionSlots = profile.prediction.histogram.counts.length;
    const merged = mergeByBucket(records, layouts, predictionSlots, query.bucketSec * 1000).slice(-query.limit);
    return { ...base, reference: referenceView(layouts, profile), windows: merged.map((window) => windowView(window, layouts, profile, thresholds)), skippedWindows: skipped };
  }
}

/** The thresholds a query overrides (only the keys it names). */
function overridesOf(query: DriftQuery): Partial<DriftThresholds> {
  const keys = Object.keys(DEFAULT_DRIFT_THRESHOLDS) as Array<keyof DriftThresholds>;
  return Object.fromEntries(keys.flatMap((key) => (query[key] === undefined ? [] : [[key, query[key]]])));
}
