import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { profileRuntimeSchema, type ProfileRuntime } from '../../protocols/images/profile.js';
import type { ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import type { AgentConfig } from './schema.js';

/**
 * Carries the applied profile's runtime part to every thread (issue #16). Scoring and golden
 * checks create onnxruntime sessions in worker threads, whose module state is their own; they
 * are spawned with `env: SHARE_ENV`, so the process environment is the one place all threads read.
 */
export const PROFILE_RUNTIME_ENV = 'FLEETCAST_PROFILE_RUNTIME';

/**
 * Applies the config's hardware profile and returns the outbox budget to use: the config's,
 * capped at the profile's. Without a profile nothing changes.
 */
export function applyProfile(config: AgentConfig): { outboxBudgetBytes: number } {
  if (!config.profile) return { outboxBudgetBytes: config.outboxBudgetBytes };
  if (config.profile.id !== config.hardwareProfile) {
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `profile.id ${config.profile.id} differs from hardwareProfile ${config.hardwareProfile}`, { path: ['profile', 'id'] });
  }
  process.env[PROFILE_RUNTIME_ENV] = JSON.stringify(config.profile.runtime);
  return { outboxBudgetBytes: Math.min(config.outboxBudgetBytes, config.profile.outboxBudgetBytes) };
}

/** The applied profile's runtime settings in this thread, or null when none was applied (or it is malformed). */
export function appliedProfileRuntime(): ProfileRuntime | null {
  const text = process.env[PROFILE_RUNTIME_ENV];
  if (!text) return null;
  try {
    const parsed = profileRuntimeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A profile that prefers fp32 serves fp32 even when the bundle's int8 is allowed here. */
export function withPrecisionPreference(choice: ServingPrecision): ServingPrecision {
  if (choice.precision !== 'int8' || appliedProfileRuntime()?.precision !== 'fp32') return choice;
  return { precision: 'fp32', fallback: { code: 'FC_ERR_PROFILE_PREFERS_FP32', detail: 'the hardware profile prefers fp32' } };
}
