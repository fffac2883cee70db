import { driftLayout } from '../../../../protocols/drift/layout.js';
import { driftRecordSchema } from '../../../../protocols/messages/up.js';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../../../protocols/drift/thresholds.js';
import { DriftWindow } from '../../../../edge-agent/drift/drift-window.js';
import { mergeByBucket } from '../../../../cloud-controller/monitoring/drift/merge.js';
import type { DriftSeries } from '../../../../cloud-controller/monitoring/drift/schema.js';
import { referenceView, windowView } from '../../../../cloud-controller/monitoring/drift/series-view.js';
import type { AccuracyPoint, AlertView } from '../../../../cloud-controller/monitoring/drift/report/report-inputs.js';
import { fixtureProfile, sampleRows, FEATURE_NAMES } from '../../../protocols/drift/profile-fixture.js';

/**
 * A 30-feature fleet series of 8 hourly windows from 2 devices, price shifted by one σ from
 * the 6th window, with an accuracy trend and alerts of the shapes the other half of #12 makes.
 */
export function reportFixture(): { series: DriftSeries; accuracy: AccuracyPoint[]; alerts: AlertView[] } {
  const profile = fixtureProfile(5000, FEATURE_NAMES, FEATURE_NAMES.map((_, f) => 1 + (f % 5)));
  const layouts = driftLayout(profile, FEATURE_NAMES);
  const records = [0, 1].flatMap((device) => {
    const window = new DriftWindow({ name: 'demand', version: 2 }, profile, FEATURE_NAMES);
    return Array.from({ length: 8 }, (_, hour) => {
      window.observeFeatures(sampleRows(400, 100 + device * 10 + hour, FEATURE_NAMES, hour >= 5 ? { price: 1 } : {}), 400);
      window.observePredictions(Float32Array.from({ length: 400 }, (_, i) => 10 + ((i * 7) % 5) - 2));
      return driftRecordSchema.parse({ ...window.close(new Date(Date.UTC(2026, 2, 1, hour + 1))), seq: hour + 1 });
    });
  });
  const merged = mergeByBucket(records, layouts, profile.prediction.histogram.counts.length, 3_600_000);
  const series: DriftSeries = {
    level: 'fleet', subject: null, model: 'demand', version: 2, devices: ['dev-1', 'dev-2'], thresholds: { ...DEFAULT_DRIFT_THRESHOLDS },
    reference: referenceView(layouts, profile), windows: merged.map((window) => windowView(window, layouts, profile, DEFAULT_DRIFT_THRESHOLDS)), skippedWindows: 0,
  };
  const accuracy: AccuracyPoint[] = merged.map((window, i) => ({
    windowStart: window.windowStart, windowEnd: window.windowEnd, n: window.n,
    wape: 0.2 + (i >= 5 ? 0.1 : 0), bias: i >= 5 ? -0.8 : 0.05, rmse: 2 + (i >= 5 ? 1 : 0), mase: i === 0 ? null : 0.9 + (i >= 5 ? 0.3 : 0),
    alarm: i < 5 ? 'ok' : i === 5 ? 'warning' : 'alarm', statistic: i < 5 ? 0 : (i - 4) * 2.5,
  }));
  const alerts: AlertView[] = [{
    id: 'alert-1', rule: 'accuracy-cusum', severity: 'critical', level: 'fleet', subject: 'fleet', state: 'open', openedAt: merged[6].windowEnd,
    evidence: { metric: 'wape', windows: 2, statistic: 5, threshold: 4, note: '<script>alert(1)</script>' },
  }];
  return { series, accuracy, alerts };
}
