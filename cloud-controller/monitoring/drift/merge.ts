import type { FeatureWindowCounts } from '../../../protocols/drift/assess.js';
import { slotCount, type FeatureLayout } from '../../../protocols/drift/layout.js';
import type { driftRecordSchema } from '../../../protocols/messages/up.js';
import type { z } from 'zod';

type DriftRecord = z.infer<typeof driftRecordSchema>;

/** Window counts of one subject (device, store, region or fleet) over one time bucket. */
export interface MergedWindow {
  windowStart: string;
  windowEnd: string;
  /** Devices whose windows were added. */
  devices: number;
  n: number;
  features: FeatureWindowCounts[];
  prediction: number[];
}

function emptyWindow(layouts: readonly FeatureLayout[], predictionSlots: number, windowStart: string, windowEnd: string): MergedWindow {
  return {
    windowStart,
    windowEnd,
    devices: 0,
    n: 0,
    features: layouts.map((layout) => ({ counts: new Array<number>(slotCount(layout)).fill(0), missing: 0 })),
    prediction: new Array<number>(predictionSlots).fill(0),
  };
}

/** Adds `b` into `a` slot by slot; false (nothing added) when their lengths differ. */
function addInto(a: number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) a[i] += b[i];
  return true;
}

/**
 * Adds one device window into a merged window (issue #12: counts add; statistics are then
 * recomputed from the sums, never averaged). Features are matched by name; a feature whose
 * slot count differs from the layout (another bundle's bins) is left out of that window.
 */
export function addRecord(target: MergedWindow, layouts: readonly FeatureLayout[], record: DriftRecord): void {
  const byName = new Map(record.features.map((feature) => [feature.name, feature]));
  layouts.forEach((layout, i) => {
    const feature = byName.get(layout.name);
    if (!feature || !addInto(target.features[i].counts as number[], feature.counts)) return;
    target.features[i].missing += feature.missing ?? Math.round(feature.missingShare * record.n);
  });
  addInto(target.prediction, record.prediction.counts);
  target.n += record.n;
  target.devices += 1;
  if (record.windowStart < target.windowStart) target.windowStart = record.windowStart;
  if (record.windowEnd > target.windowEnd) target.windowEnd = record.windowEnd;
}

/**
 * Merges device windows into one window per time bucket (devices close windows on the same
 * cron, so their ends fall in the same bucket), oldest first.
 */
export function mergeByBucket(records: readonly DriftRecord[], layouts: readonly FeatureLayout[], predictionSlots: number, bucketMs: number): MergedWindow[] {
  const buckets = new Map<number, MergedWindow>();
  for (const record of records) {
    const key = Math.floor((Date.parse(record.windowEnd) - 1) / bucketMs);
    let merged = buckets.get(key);
    if (!merged) {
      merged = emptyWindow(layouts, predictionSlots, record.windowStart, record.windowEnd);
      buckets.set(key, merged);
    }
    addRecord(merged, layouts, record);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, window]) => window);
}
