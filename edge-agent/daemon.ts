import { join } from 'node:path';
import { createLogger, type Logger } from '../protocols/runtime/logger.js';
import { envelope } from '../protocols/messages/envelope-factory.js';
import { posTopics } from '../protocols/topics.js';
import { PROTOCOL_VERSION } from '../protocols/version.js';
import type { BirthState, Health } from '../protocols/messages/state.js';
import type { RemoteSettings } from '../protocols/messages/cmd/configure.js';
import type { Sender } from '../protocols/envelope.js';
import { FleetcastError } from '../protocols/errors/fleetcast-error.js';
import type { AgentConfig } from './config/schema.js';
import type { ActiveModel, ActiveModelSource, AgentServices, UpdateCommands, UplinkPort } from './ports.js';
import { openAgentDb, type AgentDb } from './storage/db.js';
import { Outbox, type OutboxEntry } from './storage/outbox.js';
import { ActualsStore } from './storage/actuals-store.js';
import { outboxAccuracyDays, quarantineInvalidRows } from './storage/quarantine.js';
import { salesDateProblem } from '../protocols/data/sales-date.js';
import { MAX_LOOKBACK_DAYS } from '../protocols/features/feature-names.js';
import { ServedPredictions } from './storage/served-predictions.js';
import { AccuracyCounters } from './accuracy/accuracy-counters.js';
import { PersonalData } from './privacy/personal-data.js';
import { ScoreEngine } from './scoring/score-engine.js';
import { ScoringStats } from './scoring/scoring-stats.js';
import { ModelContexts } from './scoring/model-contexts.js';
import { DirectoryModelSource } from './scoring/directory-model-source.js';
import { PosBroker } from './pos/pos-broker.js';
import { ScoreHandler } from './pos/score-handler.js';
import { handleActuals, type ActualsHandlerDeps } from './pos/actuals-handler.js';
import { StatusPublisher } from './pos/status-publisher.js';
import { Uplink } from './uplink/uplink.js';
import { OutboxFlusher } from './uplink/outbox-flusher.js';
import { dispatchCommand } from './commands/dispatch.js';
import { Schedules, everySeconds } from './health/schedules.js';
import { sampleHeartbeat } from './health/health-sampler.js';
import { assessHealth } from './health/health-state.js';
import { applyProfile } from './config/profile.js';
import { createSelfUpdate } from './self-update/create-self-update.js';
import { AgentMetrics } from './metrics/agent-metrics.js';
import { MeteredScoreEngine, MeteredScoringStats } from './metrics/instrumented.js';
import { outboxGaugeSource } from './metrics/outbox-source.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { ShadowAssignments } from './shadow/shadow-assignments.js';
import { ExperimentCounters } from './shadow/experiment-counters.js';
import { ShadowScorer } from './shadow/shadow-scorer.js';
import { ShadowRunner } from './shadow/shadow-runner.js';

/** Optional parts the update engine provides; the daemon runs without them (serving only). */
export interface DaemonExtensions {
  /** Where the active model comes from (the model store); defaults to the config's `modelDir`. */
  modelSource?: ActiveModelSource;
  /** Builds the update engine once the daemon's services exist. */
  createUpdates?: (services: AgentServices & { db: AgentDb }) => UpdateCommands;
}

/** A running agent, as the CLI and tests see it. */
export interface RunningAgent {
  posPort: number;
  /** Port of `GET /metrics` when `metrics` is configured (issue #14). */
  metricsPort: number | null;
  /** Resolves after a clean shutdown (offline state published, broker closed, SQLite closed). */
  stop(): Promise<void>;
}

/** An uplink port for an agent with no cloud link: everything stays in the outbox (logged once at start, issue #9). */
const offlineUplink: UplinkPort = {
  publish: () => Promise.reject(new FleetcastError('FC_ERR_AGENT_NO_UPLINK')),
  subscribe: () => () => undefined,
};

/**
 * Starts the store agent (issue #5): SQLite, scorer worker, POS broker, uplink, schedules. Every
 * piece is wired here and nowhere else, so each module stays testable on its own.
 */
export async function startAgent(config: AgentConfig, extensions: DaemonExtensions = {}): Promise<RunningAgent> {
  const logger = createLogger('agent', { level: config.logLevel });
  const sender: Sender = { role: 'device', id: config.deviceId };
  const startedAt = new Date().toISOString();
  const db = openAgentDb(join(config.dataDir, 'agent.db'));
  const quarantinedRecords = quarantineInvalidRows(db, outboxAccuracyDays);
  // The hardware profile caps the outbox and tunes onnxruntime in every thread (issue #16).
  const { outboxBudgetBytes } = applyProfile(config);
  const outbox = new Outbox(db, outboxBudgetBytes);
  // History memory: the longest look-back any feature spec may have plus the retention (issue #9).
  const actuals = new ActualsStore(db, MAX_LOOKBACK_DAYS + config.schedules.retentionDays, config.salesDates);
  const served = new ServedPredictions(db);
  const accuracy = new AccuracyCounters(db);
  // Rows an older agent stored that today's schema refuses leave the way (never stop a start)
  // and are counted in the next heartbeat (issue #9 finding 1).
  let quarantined = quarantinedRecords + actuals.quarantined + served.quarantined
    + quarantineInvalidRows(db, { table: 'accuracy_pending', keyColumns: ['model_name', 'model_version', 'day', 'role'], problem: (row) => salesDateProblem(row.day) });
  if (quarantined > 0) logger.warn({ rows: quarantined }, 'stored rows failing validation moved to the quarantine table');
  const personal = new PersonalData(config.privacy.hashKeyHex, config.privacy.personalFields);
  const metrics = new AgentMetrics(config.deviceId, {
    outbox: outboxGaugeSource(db, outbox),
    model: () => engine.currentModel(),
  });
  const stats: ScoringStats = new MeteredScoringStats(metrics);
  const engine: ScoreEngine = new MeteredScoreEngine(logger, metrics);
  const contexts = new ModelContexts(actuals, logger);
  // Shadow experiments (issue #13): the challenger scores beside the serving model, off the reply path.
  const shadowAssignments = new ShadowAssignments(db);
  const experiments = new ExperimentCounters(db, (model) => shadowAssignments.experimentOf(model));
  const shadowScorer = new ShadowScorer(contexts, served, logger);
  const modelSource = extensions.modelSource ?? (config.modelDir ? new DirectoryModelSource(config.modelDir) : null);
  let lastDiskFree: number | null = null;

  const health = (): Health =>
    assessHealth({ modelServing: engine.currentModel() !== null, outboxBytes: outbox.pendingBytes(), outboxBudgetBytes, diskFreeBytes: lastDiskFree });

  let broker: PosBroker | null = null;
  const reply = (topic: string, message: unknown): void => broker?.reply(topic, message);
  const scoreHandler = new ScoreHandler({ sender, engine, contexts, stats, served, personal, logger, maxPayloadBytes: config.pos.maxPayloadBytes, maxInFlight: config.pos.maxInFlight, maxQueuedPerLogin: config.pos.maxQueuedPerLogin, loginOf: (clientId) => broker?.logins.username(clientId), reply, sameLogin: (a, b) => broker?.logins.same(a, b) ?? false, shadow: shadowScorer });
  const actualsDeps: ActualsHandlerDeps = { sender, actuals, served, accuracy, logger, maxPayloadBytes: config.pos.maxPayloadBytes, salesDates: config.salesDates, reply, experiments };

  broker = await PosBroker.start(config.pos, { logger, dataDir: config.dataDir, onMessage: ({ topic, payload, clientId, route }) => {
    if (topic === posTopics.scoreRequest) scoreHandler.handle(payload, clientId, route);
    else if (topic === posTopics.actuals) handleActuals(actualsDeps, payload, clientId);
  } });
  const status = new StatusPublisher(broker, sender);
  const refreshStatus = (): void => void status.update(engine.currentModel()?.ref ?? null, health(), engine.currentModel()?.serving ?? null).catch((error: Error) => logger.warn({ err: error.message }, 'status not published'));

  let updates: UpdateCommands | null = null;
  let retainedModels: BirthState['retainedModels'] = [];
  const refreshRetained = async (): Promise<void> => {
    retainedModels = ((await updates?.retainedModels?.().catch(() => null)) ?? []).slice(0, 20);
  };
  // The update engine calls this hook and the model store also announces the same change;
  // loading a model that already serves would waste a second session, so it is skipped.
  const swapModel = async (model: ActiveModel | null): Promise<void> => {
    const current = engine.currentModel();
    if (current && model && current.modelPath === model.modelPath && current.ref.name === model.ref.name && current.ref.version === model.ref.version) return;
    await engine.swap(model);
    refreshStatus();
    void refreshRetained();
  };
  const initial = modelSource?.active() ?? null;
  if (initial) await swapModel(initial).catch((error: Error) => logger.error({ err: error.message }, 'initial model not loaded; serving nothing'));
  refreshStatus();
  const unsubscribeModel = modelSource?.onChange((model) => void swapModel(model).catch((error: Error) => logger.error({ err: error.message }, 'model swap failed; previous model keeps serving')));

  const birth = (): BirthState => ({
    ...envelope(sender),
    type: 'birth',
    online: true,
    agentVersion: PROTOCOL_VERSION.agentVersion,
    hardwareProfile: config.hardwareProfile,
    activeModel: engine.currentModel()?.ref ?? null,
    serving: engine.currentModel()?.serving ?? null,
    shadowModel: shadowScorer.current(),
    retainedModels,
    update: updates?.status?.() ?? { state: 'idle', deploymentId: null },
    health: health(),
    startedAt,
  });

  const settings = { ...config.schedules };
  let flusher: OutboxFlusher | null = null;
  const uplink = config.uplink
    ? new Uplink(config.deviceId, config.uplink, { birth, onOnline: () => { flusher?.flush(); updates?.onUplinkOnline?.(); }, onOffline: () => flusher?.reset() }, logger)
    : null;
  const uplinkPort: UplinkPort = uplink ?? offlineUplink;
  if (!uplink) logger.info({ code: 'FC_ERR_AGENT_NO_UPLINK' }, 'offline-only agent: no uplink configured; telemetry and deployment events stay queued on the device');
  if (uplink) {
    flusher = new OutboxFlusher({ outbox, uplink, sender, logger, settings: { batchSize: settings.uplinkBatchSize, ackTimeoutMs: config.uplink!.ackTimeoutSec * 1_000 }, isOnline: () => uplink.isOnline() });
  }
  // A/B self-update of an agent installed from an image (issue #16).
  const selfUpdate = createSelfUpdate(config, { uplink: uplinkPort, sender, logger });
  await selfUpdate?.start();
  updates = extensions.createUpdates?.({ logger, uplink: uplinkPort, swapModel, db, seedHistory: (rows) => actuals.seed(rows) }) ?? null;
  await refreshRetained();
  const shadowRunner = new ShadowRunner(shadowAssignments, shadowScorer, () => updates, logger, () => void uplink?.refreshBirth().catch((error: Error) => logger.warn({ err: error.message }, 'birth not re-published')));
  void shadowRunner.resume();

  const schedules = new Schedules(logger);
  const append = (entries: Array<OutboxEntry | null>): void => {
    const present = entries.filter((entry): entry is OutboxEntry => entry !== null);
    metrics.observeRecords(present);
    if (present.length > 0) outbox.append(present);
  };
  const flushTick = (): void => {
    served.flush();
    append([stats.closeWindow()]);
    accuracy.drainTo(outbox);
    experiments.drainTo(outbox);
    flusher?.flush();
    refreshStatus();
  };
  const heartbeatTick = async (): Promise<void> => {
    const record = await sampleHeartbeat(config.dataDir, stats.takeHeartbeatCounters());
    if (record.kind === 'heartbeat') {
      lastDiskFree = record.diskFreeBytes;
      if (quarantined > 0) record.quarantinedRows = quarantined;
      quarantined = 0;
    }
    append([record]);
    flusher?.flush();
    refreshStatus();
    await selfUpdate?.onHeartbeat(uplink?.isOnline() ?? false).catch((error: Error) => logger.error({ err: error.message }, 'image not marked good'));
  };
  const driftTick = (): void => append(contexts.driftWindows().map((window) => window.close()));
  const retentionTick = (): void => {
    const cutoff = new Date(Date.now() - settings.retentionDays * 86_400_000).toISOString().slice(0, 10);
    logger.info({ cutoff, actuals: actuals.prune(cutoff), served: served.prune(cutoff) }, 'retention pruned');
  };
  const applySchedules = (): void => {
    schedules.replace('heartbeat', everySeconds(settings.heartbeatIntervalSec), heartbeatTick);
    schedules.replace('flush', everySeconds(settings.flushIntervalSec), flushTick);
    schedules.replace('drift', settings.driftWindowCron, driftTick);
    schedules.replace('retention', settings.retentionCron, retentionTick);
  };
  applySchedules();

  const applySettings = (patch: RemoteSettings): void => {
    Object.assign(settings, patch);
    if (patch.uplinkBatchSize !== undefined) flusher?.setBatchSize(patch.uplinkBatchSize);
    if (patch.logLevel !== undefined) logger.level = patch.logLevel;
    applySchedules();
    logger.info({ settings: patch }, 'remote settings applied');
  };
  uplinkPort.subscribe('cmd', (message) => {
    void dispatchCommand(message, sender, { logger, updates, applySettings, images: selfUpdate, shadow: shadowRunner }).then((result) => {
      if (result) uplinkPort.publish('evt', result).catch((error: Error) => logger.warn({ err: error.message }, 'command result not published'));
    });
  });

  const metricsServer = config.metrics ? await startMetricsServer(metrics, config.metrics.host, config.metrics.port) : null;
  const stop = createStopper({ logger, schedules, uplink, broker, engine, shadow: shadowScorer, db, unsubscribeModel, metricsServer, finalFlush: () => {
    served.flush();
    append([stats.closeWindow()]);
    accuracy.drainTo(outbox);
    experiments.drainTo(outbox);
  } });
  return { posPort: broker.port(), metricsPort: metricsServer?.port ?? null, stop: () => { selfUpdate?.stop(); return stop(); } };
}

/** Clean shutdown in dependency order; idempotent so SIGTERM twice is harmless. */
function createStopper(parts: {
  logger: Logger;
  schedules: Schedules;
  uplink: Uplink | null;
  broker: PosBroker;
  engine: ScoreEngine;
  shadow: ShadowScorer;
  db: AgentDb;
  unsubscribeModel: (() => void) | undefined;
  metricsServer: MetricsServer | null;
  finalFlush(): void;
}): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= (async () => {
      parts.schedules.stopAll();
      parts.unsubscribeModel?.();
      await parts.metricsServer?.close();
      await parts.uplink?.close();
      await parts.broker.close();
      // Rows still queued for the shadow are dropped; its session is released (no timer outlives the stop).
      await parts.shadow.unload();
      await parts.engine.close();
      parts.finalFlush();
      parts.db.pragma('wal_checkpoint(TRUNCATE)');
      parts.db.close();
      parts.logger.info('agent stopped');
    })();
    return stopping;
  };
}
