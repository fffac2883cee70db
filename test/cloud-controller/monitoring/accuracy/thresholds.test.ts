import test from 'ava';
import { accuracyMonitoringConfigSchema, alarmParametersResolver } from '../../../../cloud-controller/monitoring/accuracy/thresholds.js';
import { TEST_DEVICES } from './accuracy-fixture.js';

const devices = TEST_DEVICES.map((device) => ({ ...device, timezone: 'UTC', profile: 'generic', openingHours: [] }));
const config = accuracyMonitoringConfigSchema.parse({
  alarm: { threshold: 0.6 },
  models: { units: { threshold: 0.8, minSamples: 10 } },
  overrides: [
    { selector: 'tag:pilot', alarm: { allowance: 0.2 } },
    { selector: 'region:south', model: 'units', alarm: { threshold: 1.2 } },
  ],
});

test('alarm thresholds: defaults, then the model, then store groups in order', (t) => {
  const other = alarmParametersResolver(config, devices, 'other', 'store');
  t.like(other('s2'), { threshold: 0.6, allowance: 0.1, minSamples: 50 });
  const units = alarmParametersResolver(config, devices, 'units', 'store');
  t.like(units('s2'), { threshold: 0.8, allowance: 0.1, minSamples: 10 });
  // s1 has one pilot device of two: the store is in the pilot group.
  t.like(units('s1'), { threshold: 0.8, allowance: 0.2 });
  t.like(units('s3'), { threshold: 1.2, allowance: 0.2, minSamples: 10 });
  // A region is in a group only when all its devices are: north has non-pilot devices.
  const regions = alarmParametersResolver(config, devices, 'units', 'region');
  t.like(regions('north'), { threshold: 0.8, allowance: 0.1 });
  t.like(regions('south'), { threshold: 1.2, allowance: 0.2 });
  t.like(alarmParametersResolver(config, devices, 'units', 'fleet')('fleet'), { threshold: 0.8, allowance: 0.1 });
});

test('a bad selector or parameter in the config is refused', (t) => {
  t.false(accuracyMonitoringConfigSchema.safeParse({ alarm: { threshold: -1 } }).success);
  const bad = accuracyMonitoringConfigSchema.parse({ overrides: [{ selector: 'colour:red', alarm: {} }] });
  t.is((t.throws(() => alarmParametersResolver(bad, devices, undefined, 'store')) as { code?: string }).code, 'FC_ERR_INVALID_SELECTOR');
});
