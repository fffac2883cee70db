import { z } from 'zod';
import { matchesSelector, parseSelector } from '../../fleet/selector.js';
import type { DeviceEnrolment } from '../../fleet/schema.js';
import { alarmParametersSchema, type AlarmParameters } from './alarm.js';
import type { MonitoringLevel } from './counter-rows.js';

/** Some alarm parameters; absent ones keep the value from the level before (ZodOptional skips the inner default). */
const overrideParametersSchema = alarmParametersSchema.partial();

/** Controller config of accuracy monitoring (issue #12): alarm thresholds per model, overridable per store group. */
export const accuracyMonitoringConfigSchema = z.object({
  /** Alarm parameters of every model without its own entry. */
  alarm: alarmParametersSchema.default({}),
  /** Per model name: parameters that replace the defaults for that model. */
  models: z.record(z.string().min(1).max(128), overrideParametersSchema).default({}),
  /**
   * Store groups with their own parameters, applied in order after the model's: `selector` is a
   * target selector (`tag:pilot`, `region:eu-west`); it applies to a store when one of the
   * store's devices matches and to a region when all of the region's devices match. `model`
   * limits the override to one model.
   */
  overrides: z
    .array(z.object({ selector: z.string().min(1).max(512), model: z.string().min(1).max(128).optional(), alarm: overrideParametersSchema }))
    .max(200)
    .default([]),
});
export type AccuracyMonitoringConfig = z.output<typeof accuracyMonitoringConfigSchema>;

/** The parameters an override sets (its absent keys must not erase earlier values). */
function definedOnly(parameters: Partial<AlarmParameters> | undefined): Partial<AlarmParameters> {
  return Object.fromEntries(Object.entries(parameters ?? {}).filter(([, value]) => value !== undefined));
}

/** Alarm parameters of `model` for each subject at `level`, per the config and the enrolled devices. */
export function alarmParametersResolver(config: AccuracyMonitoringConfig, devices: readonly DeviceEnrolment[], model: string | undefined, level: MonitoringLevel): (subject: string) => AlarmParameters {
  const base = { ...config.alarm, ...definedOnly(model === undefined ? undefined : config.models[model]) };
  const overrides = config.overrides.filter((override) => override.model === undefined || override.model === model).map((override) => ({ selector: parseSelector(override.selector), alarm: override.alarm }));
  return (subject) => {
    if (level === 'fleet') return alarmParametersSchema.parse(base);
    const members = devices.filter((device) => (level === 'store' ? device.store : device.region) === subject);
    let merged = base;
    for (const override of overrides) {
      const applies = level === 'store' ? members.some((device) => matchesSelector(device, override.selector)) : members.length > 0 && members.every((device) => matchesSelector(device, override.selector));
      if (applies) merged = { ...merged, ...definedOnly(override.alarm) };
    }
    return alarmParametersSchema.parse(merged);
  };
}
