import { isStoreOpen } from '../../fleet/opening-hours.js';
import type { Device } from '../../fleet/schema.js';
import { failedGates, waveExecuted } from '../criteria.js';
import { waveDeploymentId } from '../evidence.js';
import { waveTargetCount } from '../spec.js';
import type { Rollout } from '../store.js';
import { evidenceOf, orderedTarget, type StepContext } from './context.js';

/**
 * `deploying`: fills the current wave up to its size from the ordered target, sending the version
 * only to stores outside their opening hours (the rest are recorded as deferred and retried on
 * the next tick); each device's row is written before its command goes out, and the wave's
 * deployment id makes a repeated send after a restart a no-op. Moves on when the gates fail or
 * every device of the wave executed.
 */
export async function deployWave(context: StepContext, rollout: Rollout): Promise<Rollout> {
  const wave = rollout.spec.waves[rollout.wave];
  const target = orderedTarget(context, rollout);
  const assigned = new Set(context.store.devices(rollout.rolloutId).map((device) => device.deviceId));
  const need = waveTargetCount(wave.size, target.length) - target.filter((device) => assigned.has(device.id)).length;
  const picks = target.filter((device) => !assigned.has(device.id)).slice(0, Math.max(0, need));
  const now = context.now();
  const ready: Device[] = [];
  for (const device of picks) {
    if (rollout.spec.respectOpeningHours && isStoreOpen(device.openingHours, device.timezone, now)) {
      context.store.recordOnce(rollout.rolloutId, rollout.wave, 'deferred', device.id, `${device.id}: store ${device.store} is open (${device.timezone})`, { deviceId: device.id, timezone: device.timezone, openingHours: device.openingHours, at: now.toISOString() });
      continue;
    }
    context.store.assign(rollout.rolloutId, device.id, rollout.wave, device.reported.activeModel);
    ready.push(device);
  }
  if (ready.length > 0) {
    await context.deployments.deploy({
      deploymentId: waveDeploymentId(rollout.rolloutId, rollout.wave),
      model: rollout.model,
      bundle: rollout.bundle,
      deviceIds: ready.map((device) => device.id),
      rollout: { id: rollout.rolloutId, wave: rollout.wave },
      actor: `rollout:${rollout.rolloutId}`,
    });
  }
  const evidence = evidenceOf(context, rollout);
  const failed = failedGates(evidence, wave.success, rollout.spec.abort);
  if (failed.length > 0) return context.store.transition(rollout.rolloutId, 'deploying', 'gate_failed', 'controller', failed.join('; '), evidence);
  const deferred = picks.length - ready.length;
  if (deferred === 0 && waveExecuted(evidence, wave.minDevices)) {
    const bakeUntil = new Date(now.getTime() + wave.bakeSeconds * 1000).toISOString();
    return context.store.transition(rollout.rolloutId, 'deploying', 'wave_executed', 'controller', `wave ${rollout.wave}: ${evidence.wave.committed}/${evidence.wave.devices} committed; bake until ${bakeUntil}`, evidence, { bakeUntil });
  }
  return rollout;
}
