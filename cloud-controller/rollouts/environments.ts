import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelVersion } from '../registry/schema.js';
import type { RolloutSpec } from './spec.js';
import type { Rollout } from './store.js';

/** The environment rules a controller applies (config `rollouts`). */
export interface EnvironmentPolicy {
  /** Selector of the staging group; unset means there is no staging environment. */
  stagingSelector?: string;
  /** Production rollouts need a completed staging rollout of the same version. */
  requireStaging: boolean;
}

/**
 * Development → Staging → Production (issue #13). A version in Development is never rolled out;
 * a staging rollout goes to the staging group and needs the version in Staging (or later); a
 * production rollout needs the version in Production — reached through `registry promote`, so
 * the four-eyes rule of the registry applies — and, when configured, a completed staging
 * rollout of it. Returns the selector the rollout targets.
 */
export function checkEnvironment(spec: RolloutSpec, version: ModelVersion, policy: EnvironmentPolicy, earlier: Rollout[]): string {
  const ref = `${version.name}@${version.version}`;
  if (spec.environment === 'staging') {
    if (!policy.stagingSelector) throw new FleetcastError('FC_ERR_ROLLOUT_ENVIRONMENT', 'no staging group is configured (rollouts.stagingSelector)');
    if (version.stage !== 'Staging' && version.stage !== 'Production') throw new FleetcastError('FC_ERR_ROLLOUT_ENVIRONMENT', `${ref} is ${version.stage}; promote it to Staging first`, { stage: version.stage });
    return spec.selector ? `${policy.stagingSelector},${spec.selector}` : policy.stagingSelector;
  }
  if (version.stage !== 'Production') throw new FleetcastError('FC_ERR_ROLLOUT_ENVIRONMENT', `${ref} is ${version.stage}; promote it to Production first (approval applies)`, { stage: version.stage });
  const staged = earlier.some((rollout) => rollout.spec.environment === 'staging' && rollout.state === 'completed' && rollout.model.name === version.name && rollout.model.version === version.version);
  if (policy.requireStaging && !staged) throw new FleetcastError('FC_ERR_ROLLOUT_ENVIRONMENT', `${ref} has no completed staging rollout`);
  return spec.selector ?? 'all';
}
