import type Database from 'better-sqlite3';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import { readBundle } from '../../protocols/bundle/read-bundle.js';
import { MANIFEST_FILE } from '../../protocols/bundle/signature.js';
import { modelRefSchema, type ModelRef, type Sender } from '../../protocols/envelope.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { DEVICE_SIDE_FAILURES, type BundleSource, type DeployCommand } from '../../protocols/messages/cmd/deploy.js';
import type { RollbackCommand } from '../../protocols/messages/cmd/rollback.js';
import type { DeploymentEvent } from '../../protocols/messages/evt.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import { runGoldenCheck } from '../model-store/golden-check.js';
import { verifyInstalledModel } from '../model-store/installed-model.js';
import { ModelStore, sameRef } from '../model-store/model-store.js';
import { removeIfPresent } from '../model-store/fsync.js';
import type { ActiveModel, SwapModelHook, UplinkPort } from '../ports.js';
import type { BlobTransferOptions } from './blob-download.js';
import { bundleFileDigest } from './file-digest.js';
import { newDeploymentRecord, type DeploymentRecord } from './deployment-record.js';
import { EventReporter } from './event-reporter.js';
import type { HttpTransferOptions } from './http-download.js';
import { activateStep, serveModel } from './steps/activate.js';
import { downloadStep } from './steps/download.js';
import { stageStep } from './steps/stage.js';
import type { StepContext } from './steps/step-context.js';
import { verifyStep, type VerifiedFiles } from './steps/verify.js';
import { isAtRest, type UpdateEvent, type UpdateState } from './states.js';
import { UpdateStateStore } from './state-store.js';
import { holdForTest } from './test-hold.js';
import { UpdateLease } from './update-lease.js';
import { nextState } from './transitions.js';

/** Construction options of the update engine. */
export interface UpdateManagerOptions {
  /** The agent's SQLite handle (`openAgentDb`); the engine creates its own tables. */
  db: Database.Database;
  /** The model store it installs into. */
  store: ModelStore;
  /** Signers whose bundles may be installed (agent config `trustedKeys` + the distributed set; read live). */
  trustedKeys: TrustedKeys;
  /** Controller keys whose downgrade authorizations the agent honours (agent config `controllerKeys`). */
  controllerKeys?: TrustedKeys;
  /** This device's id: the `sender` of its events and blob requests. */
  deviceId: string;
  /** Cloud link for `blob/req|res` and `evt`; null for offline installs (events stay queued). */
  uplink: UplinkPort | null;
  /** Makes an activated model serve; a rejection rolls the activation back. */
  swapModel?: SwapModelHook;
  logger: Logger;
  /** Agent version checked against bundles' `minAgentVersion` (default: this build's). */
  agentVersion?: string;
  /** Chunked transfer tuning (defaults: 72 KiB chunks, 10 s timeout, 5 attempts). */
  blob?: Partial<BlobTransferOptions>;
  /** HTTP range download tuning (defaults: fsync every 256 KiB, 15 s idle timeout, 5 attempts). */
  http?: Partial<HttpTransferOptions>;
  /**
   * How often one state may be resumed after crashes before the deployment is rolled back
   * instead (FC_ERR_UPDATE_RESUME_EXHAUSTED) — a model that crashes the agent while staging
   * must not crash it forever (Mender's "retry then roll back").
   */
  maxResumes?: number;
  /** Called after each persisted transition (CLI progress). */
  onTransition?: (change: { from: UpdateState; to: UpdateState; deployment: DeploymentRecord | null; errorCode?: string }) => void;
}

/** How a deploy, install or rollback ended. */
export interface UpdateOutcome {
  deploymentId: string;
  /** Final state: `committed` (new model serves), `idle` (rolled back on request) or `failed`. */
  state: UpdateState;
  /** The model serving afterwards. */
  active: ModelRef | null;
  errorCode?: string;
  detail?: string;
}

export const DEFAULT_BLOB: BlobTransferOptions = { chunkBytes: 72 * 1024, chunkTimeoutMs: 10_000, maxAttemptsPerChunk: 5 };
export const DEFAULT_HTTP: HttpTransferOptions = { syncEveryBytes: 256 * 1024, idleTimeoutMs: 15_000, maxAttempts: 5, retry: { minMs: 500, maxMs: 10_000, jitter: 0.2 } };
const UNKNOWN_MODEL: ModelRef = { name: 'unknown', version: 1 };

/**
 * The agent's update engine (issue #5 part B; DESIGN "Update state machine"):
 * idle → downloading → verifying → staging → activating → committed, with failed and
 * rolling_back reachable from each. Every transition is persisted (and its `evt` queued) in
 * SQLite before the new state's side effect starts, so `resume()` after a crash continues the
 * state idempotently or rolls back; the previous model serves until the pointer switch.
 * Commands run one at a time.
 */
export class UpdateManager {
  private readonly options: UpdateManagerOptions;
  private readonly states: UpdateStateStore;
  private readonly reporter: EventReporter;
  private readonly lease: UpdateLease;
  private readonly sender: Sender;
  private readonly steps: StepContext;
  private state: UpdateState = 'idle';
  private deployment: DeploymentRecord | null = null;
  private running: { deploymentId: string; done: Promise<UpdateOutcome | null> } | null = null;
  /** What `resume()` finished, so installing the same bundle again does not redo it. */
  private resumed: UpdateOutcome | null = null;

  constructor(options: UpdateManagerOptions) {
    this.options = options;
    this.states = new UpdateStateStore(options.db);
    this.reporter = new EventReporter(this.states, options.uplink, options.logger);
    this.lease = new UpdateLease(options.db);
    this.sender = { role: 'device', id: options.deviceId };
    this.steps = {
      store: options.store,
      trustedKeys: options.trustedKeys,
      controllerKeys: options.controllerKeys ?? new Map(),
      deviceId: options.deviceId,
      sender: this.sender,
      uplink: options.uplink,
      swapModel: options.swapModel,
      logger: options.logger,
      agentVersion: options.agentVersion ?? PROTOCOL_VERSION.agentVersion,
      blob: { ...DEFAULT_BLOB, ...options.blob },
      http: { ...DEFAULT_HTTP, ...options.http },
      state: () => this.state,
      persistProgress: (record) => {
        this.states.persistProgress(this.state, record);
        this.deployment = record;
      },
    };
    const loaded = this.states.load();
    if (loaded.kind === 'valid') {
      this.state = loaded.state;
      this.deployment = loaded.deployment;
    }
  }

  /** The persisted state. */
  currentState(): UpdateState {
    return this.state;
  }

  /** The deployment in flight (or the last one), as persisted. */
  currentDeployment(): DeploymentRecord | null {
    return this.deployment;
  }

  /** Publishes queued events (call when the uplink connects: a publish lost with the old connection is abandoned and sent again). */
  flushEvents(): Promise<void> {
    return this.reporter.restart();
  }

  /**
   * Continues after a restart (call once, before serving): a deployment in flight resumes
   * its state idempotently; an unreadable state, or one resumed too often, rolls back to a
   * verified model. Leftover staging and download files of other deployments are removed.
   */
  async resume(): Promise<UpdateOutcome | null> {
    void this.reporter.flush();
    const peek = this.states.load();
    // A deploy command repeated while its deployment resumes joins the resume (same id).
    const deploymentId = peek.kind === 'valid' && !isAtRest(peek.state) ? peek.deployment?.deploymentId : peek.kind === 'corrupt' ? peek.deploymentId : null;
    // Under the lease: a daemon running a deployment owns the row; nothing here may touch it.
    const outcome = await this.exclusive(deploymentId ?? 'resume', () => this.resumeLocked());
    this.resumed = outcome;
    return outcome;
  }

  private async resumeLocked(): Promise<UpdateOutcome | null> {
    const loaded = this.states.load();
    if (loaded.kind === 'empty') {
      await this.options.store.discardOrphans(null);
      return null;
    }
    if (loaded.kind === 'corrupt') {
      this.options.logger.error({ reason: loaded.reason }, 'update state unreadable; rolling back');
      this.state = loaded.state ?? 'idle';
      const active = this.options.store.active()?.ref ?? null;
      const record = newDeploymentRecord({
        deploymentId: loaded.deploymentId ?? `recovery-${Date.now()}`,
        kind: 'rollback',
        // The event schema needs a model; with the state unreadable, name what serves.
        model: active ?? UNKNOWN_MODEL,
        previous: active,
        rollbackCause: 'failure',
        errorCode: 'FC_ERR_UPDATE_STATE_CORRUPT',
        detail: loaded.reason,
      });
      return this.abortThenRun(record, new FleetcastError('FC_ERR_UPDATE_STATE_CORRUPT', loaded.reason));
    }
    const { state, deployment } = loaded;
    this.state = state;
    this.deployment = deployment;
    await this.options.store.discardOrphans(isAtRest(state) ? null : deployment?.deploymentId ?? null);
    if (isAtRest(state) || !deployment) return null;
    const resumed = { ...deployment, resumes: deployment.resumes + 1 };
    this.states.persistProgress(state, resumed);
    this.deployment = resumed;
    const maxResumes = this.options.maxResumes ?? 3;
    if (resumed.resumes > maxResumes && state !== 'rolling_back') {
      return this.abortThenRun(resumed, new FleetcastError('FC_ERR_UPDATE_RESUME_EXHAUSTED', `${state} resumed ${resumed.resumes} times`));
    }
    this.options.logger.warn({ state, deploymentId: resumed.deploymentId, resumes: resumed.resumes }, 'resuming interrupted update');
    return this.run(resumed);
  }

  /**
   * Handles a deploy command: download (HTTP range when `bundle.url` is given, else chunks over
   * `blob/req`), verify, stage, activate. Idempotent by `deploymentId`: a repeat of a finished
   * deployment returns its outcome, a repeat of the running one joins it; another deployment
   * while one runs is refused with FC_ERR_UPDATE_BUSY.
   */
  async deploy(command: DeployCommand): Promise<UpdateOutcome> {
    const finished = this.finishedOutcome(command.deploymentId);
    // A deployment that failed for a reason the device has since been able to fix (keys, disk,
    // agent version) runs again when the controller re-sends it (issue #11 reconciliation).
    if (finished && !(finished.state === 'failed' && finished.errorCode && DEVICE_SIDE_FAILURES.has(finished.errorCode))) return finished;
    await this.options.store.reload();
    const record = newDeploymentRecord({
      deploymentId: command.deploymentId,
      kind: 'deploy',
      model: command.model,
      bundle: command.bundle,
      previous: this.options.store.active()?.ref ?? null,
      downgradeAuthorization: command.downgradeAuthorization ?? null,
    });
    return this.exclusive(record.deploymentId, async () => {
      await this.transition('deploy', record);
      return this.run(record);
    });
  }

  /**
   * Installs a local bundle file (`fleetcast agent install`): the same verify → stage →
   * activate path without a download. Bundles that cannot even be read are refused before any
   * state is written (their code is thrown), so a bad USB stick leaves no trace. When `resume()`
   * just finished an interrupted install of the same file, its outcome is returned.
   */
  async install(path: string): Promise<UpdateOutcome> {
    // Streamed from disk; an oversized file is refused before it is read (issue #9).
    const { size, sha256 } = await bundleFileDigest(path);
    const model = await peekModelRef(path);
    await this.options.store.reload();
    const record = newDeploymentRecord({
      deploymentId: `install-${sha256.slice(0, 16)}`,
      kind: 'install',
      model,
      bundle: { sha256, size },
      localPath: path,
      previous: this.options.store.active()?.ref ?? null,
    });
    if (this.resumed?.deploymentId === record.deploymentId) return this.resumed;
    return this.exclusive(record.deploymentId, async () => {
      await this.transition('install', record);
      return this.run(record);
    });
  }

  /**
   * Handles a rollback command: makes a retained version active again without downloading —
   * `to` when given, else the newest retained version older than the active one. The only
   * path by which a lower version may serve (no-downgrade rule).
   */
  async rollback(command: RollbackCommand): Promise<UpdateOutcome> {
    const finished = this.finishedOutcome(command.deploymentId);
    if (finished) return finished;
    const active = (await this.options.store.reload())?.ref ?? null;
    const target = command.to ?? (await this.previousRetained(active));
    const record = newDeploymentRecord({
      deploymentId: command.deploymentId,
      kind: 'rollback',
      model: target ?? active ?? UNKNOWN_MODEL,
      previous: active,
      rollbackCause: 'operator',
      detail: command.reason,
    });
    return this.exclusive(record.deploymentId, async () => {
      await this.transition('rollback', record);
      if (!target) return this.failRollback(record, new FleetcastError('FC_ERR_UPDATE_VERSION_NOT_RETAINED', 'no earlier version is kept'));
      return this.run(record);
    });
  }

  /**
   * Serialises commands: one deployment at a time in this process (a repeat of the running one
   * joins it) and across processes (the SQLite lease). The persisted state is re-read first: a
   * `fleetcast agent install` beside the daemon may have moved it.
   */
  private exclusive<T extends UpdateOutcome | null>(deploymentId: string, work: () => Promise<T>): Promise<T> {
    if (this.running) {
      if (this.running.deploymentId === deploymentId) return this.running.done.then((outcome) => outcome as T);
      return Promise.reject(new FleetcastError('FC_ERR_UPDATE_BUSY', `${this.running.deploymentId} is ${this.state}`, { running: this.running.deploymentId, state: this.state }));
    }
    try {
      this.lease.acquire();
    } catch (error) {
      return Promise.reject(error);
    }
    const loaded = this.states.load();
    if (loaded.kind === 'valid' && isAtRest(loaded.state)) {
      this.state = loaded.state;
      this.deployment = loaded.deployment;
    }
    const done = work().finally(() => {
      this.lease.release();
      this.running = null;
    });
    this.running = { deploymentId, done };
    return done;
  }

  private finishedOutcome(deploymentId: string): UpdateOutcome | null {
    const outcome = this.states.outcomeOf(deploymentId);
    if (!outcome) return null;
    const state: UpdateState = outcome.outcome === 'committed' ? 'committed' : outcome.outcome === 'rolled_back' ? 'idle' : 'failed';
    return { deploymentId, state, active: this.options.store.active()?.ref ?? null, ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}) };
  }

  /** Drives a deployment from its persisted state to a rest state. */
  private async run(record: DeploymentRecord): Promise<UpdateOutcome> {
    let current = record;
    let verified: VerifiedFiles | null = null;
    for (;;) {
      const state = this.state;
      if (isAtRest(state)) return this.outcome(current);
      if (state === 'rolling_back') return this.rollBack(current);
      try {
        switch (state) {
          case 'downloading':
            current = await downloadStep(this.steps, current);
            await this.transition('downloaded', current);
            break;
          case 'verifying':
            verified = await verifyStep(this.steps, current);
            await this.transition('verified', current);
            break;
          case 'staging':
            await stageStep(this.steps, current, verified ?? (await verifyStep(this.steps, current)));
            await this.transition('staged', current);
            break;
          case 'activating':
            await activateStep(this.steps, current);
            await this.transition('activated', current);
            break;
        }
      } catch (error) {
        const coded = toFleetcastError(error);
        this.options.logger.warn({ err: coded, state, deploymentId: current.deploymentId }, 'update step failed');
        if (state === 'downloading' || state === 'verifying') {
          current = { ...current, errorCode: coded.code, detail: coded.message.slice(0, 1000) };
          await this.options.store.discardWork(current.deploymentId);
          await this.transition('fail', current, coded);
          return this.outcome(current);
        }
        current = { ...current, rollbackCause: 'failure', errorCode: coded.code, detail: coded.message.slice(0, 1000) };
        await this.transition('abort', current, coded);
      }
    }
  }

  /** Enters `rolling_back` for a failure found outside a step (corrupt or exhausted resume). */
  private async abortThenRun(record: DeploymentRecord, error: FleetcastError): Promise<UpdateOutcome> {
    const current: DeploymentRecord = { ...record, rollbackCause: 'failure', errorCode: error.code, detail: error.message.slice(0, 1000) };
    await this.transition('abort', current, error);
    return this.rollBack(current);
  }

  /**
   * rolling_back: an operator rollback activates its target (verified again: signature, file
   * hashes, golden samples) or fails leaving the active model alone. A failure rollback
   * restores the first of previous → current pointer → newest retained that verifies, never
   * the version that failed; with none, no model is active rather than an unverified one.
   */
  private async rollBack(record: DeploymentRecord): Promise<UpdateOutcome> {
    const store = this.options.store;
    await store.discardWork(record.deploymentId);
    if (record.rollbackCause === 'operator') {
      let model: ActiveModel;
      try {
        model = await this.verifiedRetained(record.model);
        await store.activate(model, record.deploymentId);
        await serveModel(this.steps, model);
      } catch (error) {
        return this.failRollback(record, toFleetcastError(error));
      }
      await this.transition('rollback_complete', record);
      return this.outcome(record);
    }
    const failedRef = record.kind === 'rollback' ? null : record.model;
    const candidates = [record.previous, store.active()?.ref ?? null, ...(await store.retained())].filter((ref): ref is ModelRef => ref !== null && !sameRef(ref, failedRef));
    let restored: ActiveModel | null = null;
    for (const ref of candidates) {
      restored = await this.verifiedRetained(ref).catch((error: unknown) => {
        this.options.logger.warn({ err: error, model: ref }, 'retained version does not verify; trying the next');
        return null;
      });
      if (restored) break;
    }
    if (restored) {
      if (!sameRef(store.active()?.ref, restored.ref)) await store.activate(restored, record.deploymentId);
      await serveModel(this.steps, restored).catch((error: unknown) => this.options.logger.error({ err: error }, 'restored model could not be swapped in'));
    } else {
      await store.deactivate();
      await serveModel(this.steps, null).catch(() => undefined);
    }
    if (failedRef && !sameRef(failedRef, record.previous)) await removeIfPresent(store.versionDir(failedRef)).catch(() => undefined);
    await this.transition('failure_rolled_back', record, { code: record.errorCode ?? 'FC_ERR_INTERNAL', message: record.detail ?? '' });
    return this.outcome(record);
  }

  private async failRollback(record: DeploymentRecord, error: FleetcastError): Promise<UpdateOutcome> {
    const current = { ...record, errorCode: error.code, detail: error.message.slice(0, 1000) };
    await this.transition('fail', current, error);
    return this.outcome(current);
  }

  /**
   * Installs a bundle beside the active model without activating it (issue #13, shadow
   * experiments): the deployment's own download, verify and stage steps, then the move into
   * `versions/`; a version already retained is only verified again. It is no deployment (no
   * state, no events, the active model is untouched): an interrupted install starts over.
   */
  async installBeside(installId: string, model: ModelRef, bundle: BundleSource | null): Promise<ActiveModel> {
    if (await this.options.store.isRetained(model) || bundle === null) return this.verifiedRetained(model);
    const record = newDeploymentRecord({ deploymentId: installId, kind: 'deploy', model, previous: null, bundle });
    const steps: StepContext = { ...this.steps, state: () => 'downloading', persistProgress: () => undefined };
    await this.options.store.discardWork(installId);
    try {
      const downloaded = await downloadStep(steps, record);
      await stageStep(steps, downloaded, await verifyStep(steps, downloaded));
      return (await runGoldenCheck(await this.options.store.promote(installId, model))).model;
    } finally {
      await this.options.store.discardWork(installId);
    }
  }

  /** A retained version that passes `verifyInstalledModel` and the golden samples. */
  private async verifiedRetained(ref: ModelRef): Promise<ActiveModel> {
    if (!(await this.options.store.isRetained(ref))) throw new FleetcastError('FC_ERR_UPDATE_VERSION_NOT_RETAINED', `${ref.name} v${ref.version}`, { model: ref });
    const model = await verifyInstalledModel(this.options.store.versionDir(ref), ref, this.options.trustedKeys);
    return (await runGoldenCheck(model)).model;
  }

  /** Newest retained version below the active one (same model name preferred). */
  private async previousRetained(active: ModelRef | null): Promise<ModelRef | null> {
    const retained = (await this.options.store.retained()).filter((ref) => !sameRef(ref, active));
    if (!active) return retained[0] ?? null;
    return retained.find((ref) => ref.name === active.name && ref.version < active.version) ?? retained.find((ref) => ref.name === active.name) ?? retained[0] ?? null;
  }

  /**
   * Applies one table transition: persists the new state with the deployment and queues its
   * `evt` in one SQLite transaction, then (test hook) may hold, then starts publishing.
   */
  private async transition(event: UpdateEvent, record: DeploymentRecord, failure?: Failure): Promise<void> {
    const from = this.state;
    const to = nextState(from, event);
    const current = { ...record, resumes: from === to ? record.resumes : 0 };
    const message: DeploymentEvent = {
      ...envelope(this.sender),
      type: 'deployment',
      deploymentId: current.deploymentId,
      model: modelRefSchema.parse(current.model),
      from,
      to,
      ...(failure && (to === 'failed' || to === 'rolling_back') ? { errorCode: failure.code, detail: failure.message.slice(0, 1000) } : {}),
      ...(to === 'downloading' && current.bundle ? { progress: { bytes: current.downloadedBytes, total: current.bundle.size } } : {}),
      // Which graph serves, and why fp32 serves an int8 bundle (issue #10).
      ...(to === 'committed' && this.options.store.active() ? { serving: this.options.store.active()?.serving } : {}),
    };
    const finished = to === 'committed' ? 'committed' : to === 'idle' ? 'rolled_back' : to === 'failed' ? 'failed' : null;
    this.states.persistTransition(to, current, message, finished && { outcome: finished, model: current.model, errorCode: message.errorCode ?? null });
    this.state = to;
    this.deployment = current;
    this.options.logger.info({ deploymentId: current.deploymentId, from, to, errorCode: message.errorCode }, 'update state');
    this.options.onTransition?.({ from, to, deployment: current, ...(message.errorCode ? { errorCode: message.errorCode } : {}) });
    await holdForTest(to);
    void this.reporter.flush();
  }

  private outcome(record: DeploymentRecord): UpdateOutcome {
    return {
      deploymentId: record.deploymentId,
      state: this.state,
      active: this.options.store.active()?.ref ?? null,
      ...(this.state === 'failed' && record.errorCode ? { errorCode: record.errorCode } : {}),
      ...(this.state === 'failed' && record.detail ? { detail: record.detail } : {}),
    };
  }
}

/** The error a failed or rolling-back transition reports (a FleetcastError fits). */
interface Failure {
  code: string;
  message: string;
}

/**
 * Reads the model name and version from a bundle's manifest without trusting it yet — only to
 * label the deployment's state and events; `verifyBundle` decides. A bundle too broken to
 * name its model is refused with the verifier's code before any state is written.
 */
async function peekModelRef(path: string): Promise<ModelRef> {
  const { files } = await readBundle(path);
  const manifest = files.get(MANIFEST_FILE);
  if (!manifest) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(manifest.toString('utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', `${MANIFEST_FILE} is not JSON`, undefined, { cause: error });
  }
  const ref = modelRefSchema.safeParse((raw as { model?: unknown } | null)?.model);
  if (!ref.success) throw new FleetcastError('FC_ERR_BUNDLE_MANIFEST_INVALID', 'model name/version missing');
  return ref.data;
}
