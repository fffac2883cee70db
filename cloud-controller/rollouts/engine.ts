import { randomUUID } from 'node:crypto';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { issueCode } from '../../protocols/errors/issue-code.js';
import type { ControllerDb } from '../storage/db.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Registry } from '../registry/registry.js';
import type { TelemetryQueries } from '../telemetry/queries.js';
import { checkEnvironment, type EnvironmentPolicy } from './environments.js';
import type { WaveEvidence } from './evidence.js';
import { assertWavesGrow, rolloutSpecSchema } from './spec.js';
import { FINAL_STATES, type RolloutEvent, type RolloutState } from './states.js';
import { RolloutStore, type Rollout, type RolloutDecision, type RolloutDevice } from './store.js';
import { evidenceOf, orderedTarget, type StepContext } from './steps/context.js';
import { deployWave } from './steps/deploy-wave.js';
import { bakeWave } from './steps/bake-wave.js';
import { awaitApproval } from './steps/await-approval.js';
import { rollBack } from './steps/roll-back.js';

const log = createLogger('rollouts');

/** What the engine drives rollouts with; `now` is injectable so tests never wait real bake times. */
export interface RolloutEngineOptions {
  db: ControllerDb;
  fleet: Fleet;
  deployments: Deployments;
  registry: Registry;
  telemetry: TelemetryQueries;
  environments: EnvironmentPolicy;
  /** The registry's four-eyes rule: the operator who created a production rollout cannot approve its gates. */
  fourEyes: boolean;
  /** Milliseconds between timer ticks (bake times, opening hours); 0 = no timer (tests tick by hand). */
  tickIntervalMs: number;
  now?: () => Date;
}

/** `GET /v1/rollouts/{id}`: the rollout, its devices, its decisions and the evidence now. */
export interface RolloutStatus {
  rollout: Rollout;
  target: number;
  devices: RolloutDevice[];
  decisions: RolloutDecision[];
  evidence: WaveEvidence;
}

/** Most transitions one rollout takes in one tick (a step that keeps moving is a bug, not progress). */
const MAX_STEPS_PER_TICK = 8;

/**
 * The controller's rollout engine (issue #13). Each tick runs the step of every active
 * rollout's stored state until it stops moving; ticks come from device events and telemetry
 * (`trigger`, coalesced) and from a timer for bake times and opening hours. Ticks never overlap,
 * and operator actions go through the same transition table, checked inside the transaction.
 */
export class RolloutEngine {
  readonly store: RolloutStore;
  private readonly now: () => Date;
  private readonly context: StepContext;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private stopped = false;

  constructor(private readonly options: RolloutEngineOptions) {
    this.now = options.now ?? (() => new Date());
    this.store = new RolloutStore(options.db, this.now);
    this.context = {
      store: this.store, fleet: options.fleet, deployments: options.deployments, registry: options.registry,
      evidence: { db: options.db, deployments: options.deployments, telemetry: options.telemetry }, now: this.now,
    };
  }

  /** Resumes stored rollouts at once and starts the timer. */
  start(): void {
    if (this.options.tickIntervalMs > 0) {
      this.timer = setInterval(() => this.trigger(), this.options.tickIntervalMs);
      this.timer.unref();
    }
    this.trigger();
  }

  /** Stops the timer and waits for a running tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a tick soon; calls while one is queued coalesce into it. */
  trigger(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    this.running = this.running.then(async () => {
      this.queued = false;
      await this.tick();
    });
  }

  /** Runs every active rollout's step; one rollout's failure is logged and never stops the others. */
  async tick(): Promise<void> {
    for (const rollout of this.store.active()) {
      try {
        await this.advance(rollout);
      } catch (error) {
        log.error({ err: error, rolloutId: rollout.rolloutId, state: rollout.state }, 'rollout step failed; retried on the next tick');
      }
    }
  }

  /** Creates a rollout after validating the spec and the environment rules; the first tick starts it. */
  create(input: unknown, actor: string): Rollout {
    const parsed = rolloutSpecSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FleetcastError(issueCode(issue, 'FC_ERR_ROLLOUT_SPEC'), `${issue.path.join('.') || '(root)'}: ${issue.message}`, { path: issue.path });
    }
    const spec = parsed.data;
    assertWavesGrow(spec);
    const rolloutId = spec.rolloutId ?? `ro-${randomUUID().slice(0, 8)}`;
    if (this.store.exists(rolloutId)) throw new FleetcastError('FC_ERR_DEPLOYMENT_CONFLICT', `rollout ${rolloutId} exists`, { rolloutId });
    const version = this.options.registry.getModelVersion(spec.model, spec.version);
    const selector = checkEnvironment(spec, version, this.options.environments, this.store.list(1_000));
    const targetIds = this.options.fleet.selectDeviceIds(selector);
    if (targetIds.length === 0) throw new FleetcastError('FC_ERR_DEPLOYMENT_NO_TARGETS', selector);
    const nowIso = this.now().toISOString();
    const rollout: Rollout = {
      rolloutId, model: { name: version.name, version: version.version }, bundle: { sha256: version.sha256, size: version.size }, selector, spec,
      state: spec.waves[0].requireApproval ? 'awaiting_approval' : 'deploying', pausedFrom: null, wave: 0, waveStartedAt: nowIso, bakeUntil: null,
      champion: this.championOf(targetIds, version.name, version.version), createdBy: actor, createdAt: nowIso, updatedAt: nowIso,
    };
    this.store.insert(rollout, `${spec.environment} rollout of ${version.name}@${version.version} to ${selector} in ${spec.waves.length} wave(s)`, { targetDevices: targetIds.length, champion: rollout.champion, stage: version.stage });
    this.trigger();
    return this.store.get(rolloutId);
  }

  pause(rolloutId: string, actor: string, reason = 'paused by an operator'): Rollout {
    return this.operatorAction(rolloutId, 'pause', actor, reason);
  }

  resume(rolloutId: string, actor: string, reason = 'resumed by an operator'): Rollout {
    return this.operatorAction(rolloutId, 'resume', actor, reason);
  }

  abort(rolloutId: string, actor: string, reason = 'aborted by an operator'): Rollout {
    return this.operatorAction(rolloutId, 'abort', actor, reason);
  }

  /** Approves the wave the rollout waits for; with four-eyes on, not by the operator who created a production rollout. */
  approve(rolloutId: string, actor: string, reason = 'approved'): Rollout {
    const rollout = this.store.get(rolloutId);
    if (this.options.fourEyes && rollout.spec.environment === 'production' && rollout.createdBy === actor) {
      throw new FleetcastError('FC_ERR_SELF_APPROVAL', `${actor} created rollout ${rolloutId}`, { rolloutId, actor });
    }
    const approved = this.store.transition(rolloutId, rollout.state, 'approved', actor, reason, { wave: rollout.wave }, { waveStartedAt: this.now().toISOString() });
    this.trigger();
    return approved;
  }

  /** The rollout with its devices, decisions and current evidence. */
  status(rolloutId: string): RolloutStatus {
    const rollout = this.store.get(rolloutId);
    return {
      rollout, target: orderedTarget(this.context, rollout).length, devices: this.store.devices(rolloutId), decisions: this.store.decisions(rolloutId), evidence: evidenceOf(this.context, rollout),
    };
  }

  private operatorAction(rolloutId: string, event: RolloutEvent, actor: string, reason: string): Rollout {
    const rollout = this.store.get(rolloutId);
    const next = this.store.transition(rolloutId, rollout.state, event, actor, reason, evidenceOf(this.context, rollout));
    this.trigger();
    return next;
  }

  /** Runs the stored state's step until the state stops changing. */
  private async advance(start: Rollout): Promise<void> {
    let rollout = start;
    for (let step = 0; step < MAX_STEPS_PER_TICK && !FINAL_STATES.has(rollout.state); step += 1) {
      const before: RolloutState = rollout.state;
      const wave = rollout.wave;
      rollout = await this.step(rollout);
      if (rollout.state === before && rollout.wave === wave) return;
      log.info({ rolloutId: rollout.rolloutId, from: before, to: rollout.state, wave: rollout.wave }, 'rollout transition');
    }
  }

  private async step(rollout: Rollout): Promise<Rollout> {
    switch (rollout.state) {
      case 'deploying':
        return deployWave(this.context, rollout);
      case 'baking':
        return bakeWave(this.context, rollout);
      case 'awaiting_approval':
        return awaitApproval(this.context, rollout);
      case 'aborting':
        return rollBack(this.context, rollout);
      case 'paused':
      case 'aborted':
      case 'completed':
        return rollout;
      default: {
        const unreachable: never = rollout.state;
        throw new Error(`unhandled rollout state ${String(unreachable)}`);
      }
    }
  }

  /** The version most of the target serves of this model other than the new one: the WAPE gate's comparison. */
  private championOf(deviceIds: string[], name: string, version: number): { name: string; version: number } | null {
    const counts = new Map<number, number>();
    for (const id of deviceIds) {
      const active = this.options.fleet.getDevice(id).reported.activeModel;
      if (active?.name === name && active.version !== version) counts.set(active.version, (counts.get(active.version) ?? 0) + 1);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    return best ? { name, version: best[0] } : null;
  }
}
