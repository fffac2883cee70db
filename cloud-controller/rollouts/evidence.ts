import type { ControllerDb } from '../storage/db.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { TelemetryQueries, AccuracySummary } from '../telemetry/queries.js';
import type { Rollout, RolloutDevice } from './store.js';

/** What the gates read, recorded with every decision (issue #13: "every decision recorded with the evidence it used"). */
export interface WaveEvidence {
  /** Devices the rollout updated so far (every wave up to the current one). */
  updated: number;
  /** Of the current wave. */
  wave: { devices: number; committed: number; failed: number; working: number };
  /** Over every updated device. */
  install: { committed: number; failed: number; executed: number; failurePercent: number | null; successPercent: number | null };
  scoring: { requests: number; errors: number; errorRate: number | null };
  /** Largest p99 scoring latency (ms) a heartbeat of an updated device reported since the wave started. */
  p99LatencyMs: number | null;
  /** Largest prediction PSI of the new version's drift reports. */
  driftPsi: number | null;
  /** WAPE of the new version on updated devices vs the champion on comparable (same-region, not updated) devices. */
  accuracy: { candidate: AccuracySummary; champion: AccuracySummary | null; comparableDevices: number; wapeRatio: number | null };
}

export interface EvidenceSources {
  db: ControllerDb;
  deployments: Deployments;
  telemetry: TelemetryQueries;
}

/**
 * The deployment id of a device's attempt in a rollout's wave: deploy is idempotent by it, so a
 * resumed step re-sends nothing; a retry is a new id because an agent answers a deployment id it
 * finished from its history.
 */
export function waveDeploymentId(rolloutId: string, wave: number, attempt = 0): string {
  return attempt === 0 ? `${rolloutId}-w${wave}` : `${rolloutId}-w${wave}-r${attempt}`;
}

/** Install failures worth another attempt: the controller or the link was away (a controller restart), or the agent was busy. */
export const TRANSIENT_INSTALL_FAILURES: ReadonlySet<string> = new Set(['FC_ERR_UPDATE_DOWNLOAD_FAILED', 'FC_ERR_UPDATE_BUSY']);

/**
 * Gathers the evidence of a rollout from desired state and stored telemetry. Scoring, latency
 * and drift count only records of the new version (latency: heartbeats since the wave started,
 * which carry no model), so a device's earlier behaviour does not count for or against it.
 */
export function gatherEvidence(sources: EvidenceSources, rollout: Rollout, devices: RolloutDevice[], target: Array<{ id: string; region: string }>): WaveEvidence {
  const updated = devices.filter((device) => device.status === 'assigned');
  const ids = updated.map((device) => device.deviceId);
  const install = { committed: 0, failed: 0, executed: 0, failurePercent: null as number | null, successPercent: null as number | null };
  const wave = { devices: 0, committed: 0, failed: 0, working: 0 };
  for (const device of updated) {
    const status = sources.deployments.deviceStatus(device.deviceId);
    const ours = status?.model.name === rollout.model.name && status.model.version === rollout.model.version;
    // A transient failure with retries left is still being worked on (deploy-wave retries it).
    const retrying = status?.status === 'failed' && status.errorCode !== null && TRANSIENT_INSTALL_FAILURES.has(status.errorCode) && device.attempts < rollout.spec.installRetries;
    const outcome = !ours || retrying ? 'working' : status.status === 'committed' ? 'committed' : status.status === 'failed' ? 'failed' : 'working';
    if (outcome !== 'working') install[outcome] += 1;
    if (device.wave === rollout.wave) {
      wave.devices += 1;
      wave[outcome] += 1;
    }
  }
  install.executed = install.committed + install.failed;
  if (install.executed > 0) {
    install.failurePercent = (100 * install.failed) / install.executed;
    install.successPercent = 100 - install.failurePercent;
  }
  const regions = new Set(target.filter((device) => ids.includes(device.id)).map((device) => device.region));
  const comparable = target.filter((device) => !ids.includes(device.id) && regions.has(device.region)).map((device) => device.id);
  const candidate = sources.telemetry.accuracySummary({ model: rollout.model.name, version: rollout.model.version, deviceIds: ids });
  const champion = rollout.champion && comparable.length > 0 ? sources.telemetry.accuracySummary({ model: rollout.champion.name, version: rollout.champion.version, deviceIds: comparable }) : null;
  return {
    updated: ids.length,
    wave,
    install,
    scoring: scoringOf(sources.db, rollout, ids),
    p99LatencyMs: maxOf(sources.db, `SELECT MAX(json_extract(body, '$.latencyP99Ms')) AS value FROM telemetry_records WHERE kind = 'heartbeat' AND ts >= @since AND device_id IN (SELECT value FROM json_each(@ids))`, rollout, ids),
    driftPsi: maxOf(sources.db, `SELECT MAX(json_extract(body, '$.prediction.psi')) AS value FROM telemetry_records WHERE kind = 'drift' AND model_name = @model AND model_version = @version AND device_id IN (SELECT value FROM json_each(@ids))`, rollout, ids),
    accuracy: {
      candidate,
      champion,
      comparableDevices: comparable.length,
      wapeRatio: candidate.wape !== null && champion?.wape ? candidate.wape / champion.wape : null,
    },
  };
}

function params(rollout: Rollout, ids: string[]): Record<string, string | number> {
  return { since: rollout.waveStartedAt, model: rollout.model.name, version: rollout.model.version, ids: JSON.stringify(ids) };
}

function maxOf(db: ControllerDb, sql: string, rollout: Rollout, ids: string[]): number | null {
  if (ids.length === 0) return null;
  const row = db.prepare(sql).get(params(rollout, ids)) as { value: number | null };
  return row.value;
}

function scoringOf(db: ControllerDb, rollout: Rollout, ids: string[]): WaveEvidence['scoring'] {
  if (ids.length === 0) return { requests: 0, errors: 0, errorRate: null };
  const rows = db.prepare(`SELECT json_extract(body, '$.requests') AS requests, json_extract(body, '$.errorsByCode') AS errors FROM telemetry_records
    WHERE kind = 'scoring' AND model_name = @model AND model_version = @version AND device_id IN (SELECT value FROM json_each(@ids))`).all(params(rollout, ids)) as Array<{ requests: number; errors: string }>;
  let requests = 0;
  let errors = 0;
  for (const row of rows) {
    requests += row.requests;
    for (const count of Object.values(JSON.parse(row.errors) as Record<string, number>)) errors += count;
  }
  return { requests, errors, errorRate: requests > 0 ? errors / requests : null };
}
