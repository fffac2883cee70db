import { randomUUID } from 'node:crypto';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { issueCode } from '../../protocols/errors/issue-code.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { ModelRef, Sender } from '../../protocols/envelope.js';
import type { ShadowCommand } from '../../protocols/messages/cmd/shadow.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Registry } from '../registry/registry.js';
import type { ControllerDb } from '../storage/db.js';
import { assignArms } from './arm-assignment.js';
import { dailySeries, splitSeries, type ArmAccuracy, type DifferentialCounters } from './daily-series.js';
import { createExperimentSchema, type Conclusion, type Experiment, type ExperimentStatus } from './schema.js';
import { DEFAULT_MSPRT, dieboldMariano, mixtureSprt, verdictOf, type MsprtOptions } from './statistics.js';
import { createExperimentTables } from './tables.js';

/** What experiments need from the rest of the controller. */
export interface ExperimentsOptions {
  db: ControllerDb;
  registry: Registry;
  fleet: Fleet;
  /** Deploys each split arm's model (desired state; null in the CLI-only context). */
  deployments: Deployments | null;
  /** Sends a `shadow` command to a device (the device link's publisher, QoS 1). */
  sendShadow: (deviceId: string, command: ShadowCommand) => Promise<void>;
  /** HTTP URL of a bundle when range downloads are offered. */
  bundleUrl?: (sha256: string) => string | undefined;
  sender: Sender;
  /** The always-valid test's tuning (α, mixing scale, first look). */
  msprt?: MsprtOptions;
  /** A shadow command is sent again to a device not reporting the challenger after this long. */
  resendAfterMs?: number;
  now?: () => Date;
}

interface ExperimentRow {
  experiment_id: string; mode: 'split' | 'shadow'; champion_name: string; champion_version: number; challenger_name: string; challenger_version: number;
  selector: string; split_percent: number | null; sample_rate: number; status: 'running' | 'concluded'; created_at: string; created_by: string;
  concluded_at: string | null; winner: 'champion' | 'challenger' | null;
}

/** The alias the winner gets on conclusion (registry history records the move). */
export const CHAMPION_ALIAS = 'champion';

/**
 * Champion/challenger experiments (issue #13). Split: target stores are assigned to arms
 * (stratified by region, sticky, persisted) and each arm's model is deployed through the
 * desired-state deployments. Shadow: every target device gets the `shadow` command and uploads
 * per-day loss differentials. Status runs DM-HLN and the mSPRT over the daily series; conclude
 * moves the `champion` alias to the winner and archives the loser, both in the registry history.
 */
export class Experiments {
  private readonly now: () => Date;
  private readonly msprt: MsprtOptions;
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly options: ExperimentsOptions) {
    createExperimentTables(options.db);
    this.now = options.now ?? (() => new Date());
    this.msprt = options.msprt ?? DEFAULT_MSPRT;
  }

  async create(input: unknown, actor: string): Promise<Experiment> {
    const parsed = createExperimentSchema.safeParse(input);
    if (!parsed.success) throw new FleetcastError(issueCode(parsed.error.issues[0], 'FC_ERR_INVALID_REQUEST'), parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const body = parsed.data;
    const { registry, fleet, db } = this.options;
    const champion = registry.getModelVersion(body.champion.name, body.champion.ref);
    const challenger = registry.getModelVersion(body.challenger.name, body.challenger.ref);
    if (champion.name === challenger.name && champion.version === challenger.version) throw new FleetcastError('FC_ERR_EXPERIMENT_SAME_MODEL', `${champion.name}@${champion.version}`);
    const experimentId = body.experimentId ?? `exp-${randomUUID()}`;
    if (this.find(experimentId)) return this.get(experimentId);
    const devices = fleet.selectDeviceIds(body.selector).map((id) => fleet.getDevice(id));
    const arms = body.split !== undefined
      ? assignArms(experimentId, devices.map((device) => ({ deviceId: device.id, region: device.region })), body.split)
      : new Map(devices.map((device) => [device.id, 'shadow' as const]));
    const armSizes = [...arms.values()];
    if (arms.size === 0 || (body.split !== undefined && (!armSizes.includes('champion') || !armSizes.includes('challenger')))) {
      throw new FleetcastError('FC_ERR_EXPERIMENT_NO_TARGETS', body.selector, { selector: body.selector, devices: arms.size });
    }
    const createdAt = this.now().toISOString();
    db.transaction(() => {
      db.prepare(`INSERT INTO experiments (experiment_id, mode, champion_name, champion_version, challenger_name, challenger_version, selector, split_percent, sample_rate, status, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`).run(experimentId, body.split !== undefined ? 'split' : 'shadow', champion.name, champion.version, challenger.name, challenger.version, body.selector, body.split ?? null, body.sampleRate, createdAt, actor);
      const insert = db.prepare('INSERT INTO experiment_devices (experiment_id, device_id, arm) VALUES (?, ?, ?)');
      for (const [deviceId, arm] of arms) insert.run(experimentId, deviceId, arm);
    })();
    const experiment = this.get(experimentId);
    if (experiment.mode === 'split') await this.deployArms(experiment, actor);
    else await this.reconcile();
    return experiment;
  }

  /** Experiments, newest first. */
  list(): Experiment[] {
    const rows = this.options.db.prepare('SELECT * FROM experiments ORDER BY created_at DESC, experiment_id').all() as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  get(experimentId: string): Experiment {
    const row = this.find(experimentId);
    if (!row) throw new FleetcastError('FC_ERR_EXPERIMENT_NOT_FOUND', experimentId, { experimentId });
    return this.toExperiment(row);
  }

  /** The evidence so far: daily series, DM-HLN, mSPRT and the verdict (safe to call any time). */
  status(experimentId: string): ExperimentStatus {
    const experiment = this.get(experimentId);
    const series = experiment.mode === 'shadow' ? dailySeries(this.shadowCounters(experiment)) : splitSeries(...this.splitAccuracy(experiment));
    const values = series.map((day) => day.meanDiff);
    const reporting = new Set(series.flatMap((day) => Object.keys(day.stores)));
    return {
      experiment,
      series,
      dieboldMariano: dieboldMariano(values),
      sequential: mixtureSprt(values, this.msprt),
      alpha: this.msprt.alpha,
      verdict: verdictOf(values, this.msprt),
      reporting: { devices: reporting.size, of: Object.keys(experiment.devices).length },
    };
  }

  /**
   * Ends the experiment: the winner (the challenger only when the always-valid test says it is
   * better; otherwise the champion stays) gets the `champion` alias, the loser is archived, both
   * with the evidence as the registry history's reason; shadow devices are told to stop.
   */
  async conclude(experimentId: string, actor: string): Promise<Conclusion> {
    const status = this.status(experimentId);
    const { experiment } = status;
    if (experiment.status === 'concluded') throw new FleetcastError('FC_ERR_EXPERIMENT_CONCLUDED', experimentId, { experimentId });
    const winnerArm = status.verdict === 'challenger-better' ? 'challenger' : 'champion';
    const winner = experiment[winnerArm];
    const loser = experiment[winnerArm === 'challenger' ? 'champion' : 'challenger'];
    const reason = `experiment ${experimentId}: ${status.verdict} after ${status.series.length} day(s) (mSPRT p=${fmt(status.sequential?.pValue)}, DM-HLN p=${fmt(status.dieboldMariano?.pValue)}, mean d=${fmt(status.dieboldMariano?.meanDifferential)})`;
    const { registry, db } = this.options;
    registry.setAlias(winner.name, CHAMPION_ALIAS, winner.version, actor, reason);
    const loserStage = registry.listVersions(loser.name).find((v) => v.version === loser.version)?.stage;
    const archived = loserStage !== 'Archived' ? (registry.promote(loser.name, loser.version, 'Archived', actor, reason), loser) : null;
    db.prepare("UPDATE experiments SET status = 'concluded', concluded_at = ?, winner = ? WHERE experiment_id = ?").run(this.now().toISOString(), winnerArm, experimentId);
    if (experiment.mode === 'shadow') await this.stopShadow(experiment);
    return { status: { ...status, experiment: this.get(experimentId) }, winner, archived, alias: CHAMPION_ALIAS };
  }

  /**
   * Sends the `shadow` command to online devices of running shadow experiments that do not
   * report the challenger yet (a device offline at creation gets it when it returns). Called
   * on creation and periodically by the controller; resends at most every `resendAfterMs`.
   */
  async reconcile(): Promise<number> {
    let sent = 0;
    const rows = this.options.db.prepare("SELECT * FROM experiments WHERE status = 'running' AND mode = 'shadow'").all() as ExperimentRow[];
    for (const experiment of rows.map((row) => this.toExperiment(row))) {
      for (const deviceId of Object.keys(experiment.devices)) {
        const device = this.options.fleet.getDevice(deviceId);
        const reported = device.reported.shadowModel;
        if (!device.online || device.revokedAt !== null || (reported?.name === experiment.challenger.name && reported.version === experiment.challenger.version)) continue;
        const key = `${experiment.experimentId}/${deviceId}`;
        if (this.now().getTime() - (this.lastSent.get(key) ?? -Infinity) < (this.options.resendAfterMs ?? 60_000)) continue;
        this.lastSent.set(key, this.now().getTime());
        await this.options.sendShadow(deviceId, this.shadowCommand(experiment, experiment.challenger));
        sent += 1;
      }
    }
    return sent;
  }

  private async stopShadow(experiment: Experiment): Promise<void> {
    for (const deviceId of Object.keys(experiment.devices)) {
      if (this.options.fleet.getDevice(deviceId).online) await this.options.sendShadow(deviceId, this.shadowCommand(experiment, null));
    }
  }

  private shadowCommand(experiment: Experiment, model: ModelRef | null): ShadowCommand {
    const version = model ? this.options.registry.getModelVersion(model.name, model.version) : null;
    const url = version ? this.options.bundleUrl?.(version.sha256) : undefined;
    return {
      ...envelope(this.options.sender),
      type: 'shadow',
      experimentId: experiment.experimentId,
      model,
      ...(version ? { bundle: { sha256: version.sha256, size: version.size, ...(url ? { url } : {}) } } : {}),
      sampleRate: experiment.sampleRate,
    };
  }

  private async deployArms(experiment: Experiment, actor: string): Promise<void> {
    const deployments = this.options.deployments;
    if (!deployments) return;
    for (const arm of ['champion', 'challenger'] as const) {
      const deviceIds = Object.entries(experiment.devices).filter(([, a]) => a === arm).map(([id]) => id);
      const version = this.options.registry.getModelVersion(experiment[arm].name, experiment[arm].version);
      const newest = Math.max(...this.options.registry.listVersions(version.name).map((v) => v.version));
      await deployments.deploy({ deploymentId: `${experiment.experimentId}-${arm}`, model: experiment[arm], bundle: { sha256: version.sha256, size: version.size }, deviceIds, authorizeDowngrade: version.version < newest, actor });
    }
  }

  /** The experiment's `experiment` records as uploaded (devices of the experiment only). */
  private shadowCounters(experiment: Experiment): DifferentialCounters[] {
    const rows = this.options.db.prepare(`SELECT device_id AS device, body FROM telemetry_records
      WHERE kind = 'experiment' AND json_extract(body, '$.experimentId') = ?`).all(experiment.experimentId) as Array<{ device: string; body: string }>;
    return rows
      .filter((row) => experiment.devices[row.device] !== undefined)
      .map((row) => {
        const record = JSON.parse(row.body) as { day: string; n: number; sumDiff: number; sumDiffSquared: number; sumLossChampion: number; sumLossChallenger: number };
        return { device: row.device, day: record.day, n: record.n, sumDiff: record.sumDiff, sumDiffSquared: record.sumDiffSquared, sumLossChampion: record.sumLossChampion, sumLossChallenger: record.sumLossChallenger };
      });
  }

  /** Each arm's serving accuracy counters from the experiment's first day on. */
  private splitAccuracy(experiment: Experiment): [ArmAccuracy[], ArmAccuracy[]] {
    const since = experiment.createdAt.slice(0, 10);
    const query = this.options.db.prepare(`SELECT device_id AS device, json_extract(body, '$.day') AS day, json_extract(body, '$.n') AS n, json_extract(body, '$.sumAbsError') AS sumAbsError
      FROM telemetry_records WHERE kind = 'accuracy' AND model_name = ? AND model_version = ? AND json_extract(body, '$.role') = 'active' AND json_extract(body, '$.day') >= ?`);
    const arm = (which: 'champion' | 'challenger'): ArmAccuracy[] =>
      (query.all(experiment[which].name, experiment[which].version, since) as ArmAccuracy[]).filter((row) => experiment.devices[row.device] === which);
    return [arm('champion'), arm('challenger')];
  }

  private find(experimentId: string): ExperimentRow | undefined {
    return this.options.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(experimentId) as ExperimentRow | undefined;
  }

  private toExperiment(row: ExperimentRow): Experiment {
    const devices = this.options.db.prepare('SELECT device_id, arm FROM experiment_devices WHERE experiment_id = ? ORDER BY device_id').all(row.experiment_id) as Array<{ device_id: string; arm: 'champion' | 'challenger' | 'shadow' }>;
    return {
      experimentId: row.experiment_id,
      mode: row.mode,
      champion: { name: row.champion_name, version: row.champion_version },
      challenger: { name: row.challenger_name, version: row.challenger_version },
      selector: row.selector,
      splitPercent: row.split_percent,
      sampleRate: row.sample_rate,
      status: row.status,
      createdAt: row.created_at,
      createdBy: row.created_by,
      concludedAt: row.concluded_at,
      winner: row.winner,
      devices: Object.fromEntries(devices.map((device) => [device.device_id, device.arm])),
    };
  }
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value.toPrecision(3);
}
