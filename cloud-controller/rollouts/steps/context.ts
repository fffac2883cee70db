import { createHash } from 'node:crypto';
import type { Deployments } from '../../deployments/desired-state.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Device } from '../../fleet/schema.js';
import type { Registry } from '../../registry/registry.js';
import { gatherEvidence, type EvidenceSources, type WaveEvidence } from '../evidence.js';
import type { Rollout, RolloutStore } from '../store.js';

/** What every step of the rollout engine works with (issue #13). */
export interface StepContext {
  store: RolloutStore;
  fleet: Fleet;
  deployments: Deployments;
  registry: Registry;
  evidence: EvidenceSources;
  now: () => Date;
}

/**
 * The rollout's target now, in the rollout's own stable order (sha256 of rollout id and device
 * id): waves take devices from the front, so the canary is an arbitrary but fixed store, and a
 * device that joins the target later falls into whichever wave its place reaches.
 */
export function orderedTarget(context: StepContext, rollout: Rollout): Device[] {
  const key = (id: string): string => createHash('sha256').update(`${rollout.rolloutId}\u0000${id}`).digest('hex');
  return context.fleet.listDevices(rollout.selector).filter((device) => device.revokedAt === null).sort((a, b) => key(a.id).localeCompare(key(b.id)));
}

/** The rollout's evidence over its current target. */
export function evidenceOf(context: StepContext, rollout: Rollout): WaveEvidence {
  return gatherEvidence(context.evidence, rollout, context.store.devices(rollout.rolloutId), orderedTarget(context, rollout));
}
