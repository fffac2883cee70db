import { createHash } from 'node:crypto';

/** Arms of a split experiment. */
export type Arm = 'champion' | 'challenger';

/** A device to place in an arm. */
export interface ArmCandidate {
  deviceId: string;
  region: string;
}

/** The sticky position of a device in an experiment: sha256(experiment id, device id). */
function stickyKey(experimentId: string, deviceId: string): string {
  return createHash('sha256').update(`${experimentId}\u0000${deviceId}`).digest('hex');
}

/**
 * Stratified, sticky assignment of stores to arms (issue #13 "split"): within each region the
 * devices are ordered by a hash of (experiment, device) — deterministic, so the same experiment
 * gives the same arms on any controller, and unrelated to store ids — and every region gets
 * `challengerPercent` of its devices (rounded so each region's share is as close as possible),
 * so a regional effect cannot masquerade as a model effect. Callers persist the result.
 */
export function assignArms(experimentId: string, devices: readonly ArmCandidate[], challengerPercent: number): Map<string, Arm> {
  const share = Math.min(100, Math.max(0, challengerPercent)) / 100;
  const byRegion = new Map<string, ArmCandidate[]>();
  for (const device of devices) byRegion.set(device.region, [...(byRegion.get(device.region) ?? []), device]);
  const arms = new Map<string, Arm>();
  for (const region of [...byRegion.keys()].sort()) {
    const ordered = byRegion.get(region)!.map((device) => ({ device, key: stickyKey(experimentId, device.deviceId) })).sort((a, b) => a.key.localeCompare(b.key));
    // Rank i joins the challenger arm when ⌊(i+1)·p⌉ steps up: exactly round(n·p) challengers, spread over the order.
    ordered.forEach(({ device }, i) => arms.set(device.deviceId, Math.round((i + 1) * share) > Math.round(i * share) ? 'challenger' : 'champion'));
  }
  return arms;
}
