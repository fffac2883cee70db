import type { FastifyInstance } from 'fastify';
import { createLogger } from '../protocols/runtime/logger.js';
import type { ConfigSources } from './config/load.js';
import { openControllerContext, type ControllerContext } from './controller-context.js';
import { DriftMonitor } from './monitoring/drift/drift-monitor.js';
import { buildApiServer } from './api/server.js';
import { registerHistoryRoutes } from './api/routes/history-routes.js';
import { Predictor } from './predict/predictor.js';
import { BatchScheduler } from './predict/batch-schedule.js';
import { CONTROLLER_SENDER, startCloudLink, type CloudLink } from './cloud-link.js';
import { registerImageRoutes } from './images/image-routes.js';
import { Experiments } from './experiments/experiments.js';
import { registerExperimentRoutes } from './api/routes/experiment-routes.js';
import { registerBundleRoutes } from './distribution/http-routes.js';
import { artifactStoreLocator } from './distribution/bundle-locator.js';
import { AlertManager } from './alerts/alert-manager.js';
import { controllerMetricSource } from './alerts/controller-metrics.js';
import { registerAlertRoutes } from './api/routes/alert-routes.js';
import { registerAccuracyRoutes } from './api/routes/accuracy-routes.js';
import { RetrainJob } from './retrain/retrain-job.js';
import { RetrainLog } from './retrain/retrain-log.js';
import { ControllerMetrics } from './metrics/controller-metrics.js';
import { ingestLagQuery } from './metrics/ingest-lag.js';
import { instrumentApi } from './metrics/metrics-routes.js';
import { registerDashboard } from './dashboard/dashboard-routes.js';
import { RolloutEngine } from './rollouts/engine.js';
import { registerRolloutRoutes } from './api/routes/rollout-routes.js';

const log = createLogger('controller');

/** How often shadow experiments re-send their command to devices not yet scoring the challenger. */
const EXPERIMENT_RECONCILE_MS = 15_000;

/** A running controller daemon and how to reach it. */
export interface RunningController {
  context: ControllerContext;
  /** Base URL of the REST API (`http://127.0.0.1:8780`); OpenAPI at `/docs/json`. */
  apiUrl: string;
  api: FastifyInstance;
  /** Broker adapter, device link, deployments and telemetry. */
  cloudLink: CloudLink;
  /** Where devices connect (printed at start). */
  brokerUrl: string;
  predictor: Predictor;
  batch: BatchScheduler;
  /** Alert rules, escalation and deliveries (issue #12). */
  alerts: AlertManager;
  /** Scheduled retraining on sustained alarms (issue #12). */
  retrain: RetrainJob;
  /** Staged rollouts (issue #13). */
  rollouts: RolloutEngine;
  /** Stops the API, schedules and workers, then closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts `fleetcast controller` (issue #6): broker and device link, registry, fleet, REST API,
 * cloud predict and nightly batch schedules over one data dir. With no configuration at all it
 * runs on embedded defaults (data dir `.fleetcast/controller`, aedes on 127.0.0.1:1883, API on
 * 127.0.0.1:8780).
 */
export async function startController(sources: ConfigSources): Promise<RunningController> {
  const context = openControllerContext(sources);
  const { config } = context;
  const publicUrl = config.api.publicUrl?.replace(/\/$/, '');
  const bundleUrl = publicUrl ? (sha256: string): string => `${publicUrl}/v1/bundles/${sha256}` : undefined;
  let cloudLink: CloudLink;
  try {
    cloudLink = await startCloudLink(context, config, bundleUrl);
  } catch (error) {
    context.close();
    throw error;
  }
  const predictor = new Predictor(context.registry, context.trustedKeys);
  const rollouts = new RolloutEngine({
    db: context.db, fleet: context.fleet, deployments: cloudLink.deployments, registry: context.registry, telemetry: cloudLink.telemetry,
    environments: config.rollouts, fourEyes: config.registry.requireProductionApproval, tickIntervalMs: config.rollouts.tickIntervalMs,
  });
  // Device events, new telemetry and enrolments move rollouts at once; the timer covers bake times and opening hours.
  cloudLink.deployments.onChange(() => rollouts.trigger());
  cloudLink.ingest.onIngest(() => rollouts.trigger());
  context.fleet.onEnrol(() => rollouts.trigger());
  const experiments = new Experiments({ db: context.db, registry: context.registry, fleet: context.fleet, deployments: cloudLink.deployments, sendShadow: (deviceId, command) => cloudLink.link.publish(deviceId, 'cmd', command), bundleUrl, sender: CONTROLLER_SENDER });
  // Shadow commands reach devices that were offline when an experiment started (issue #13).
  const experimentTimer = setInterval(() => void experiments.reconcile().catch((error: Error) => log.warn({ err: error.message }, 'experiment reconcile failed')), EXPERIMENT_RECONCILE_MS);
  experimentTimer.unref();
  const batch = new BatchScheduler(context.db, { dataDir: config.dataDir, configPath: sources.configPath }, log);
  const alerts = new AlertManager({ db: context.db, config: config.alerts, source: controllerMetricSource(context.db, context.fleet, config.monitoring.accuracy) });
  const retrain = new RetrainJob({ config: config.retrain, rules: config.alerts.rules, alerts: alerts.store, log: new RetrainLog(context.db), logger: log, sources: { dataDir: config.dataDir, configPath: sources.configPath } });
  const api = await buildApiServer({
    deployments: cloudLink.deployments,
    telemetry: cloudLink.telemetry,
    drift: new DriftMonitor(context.db, context.fleet, context.registry),
    plugins: [
      { public: true, register: (app) => registerBundleRoutes(app, { locate: artifactStoreLocator(config.dataDir), verifier: context.fleet }) },
      { register: (app) => registerHistoryRoutes(app, context.history) },
      { register: (app) => registerAlertRoutes(app, alerts) },
      { register: (app) => registerAccuracyRoutes(app, { db: context.db, fleet: context.fleet, config: config.monitoring.accuracy }) },
      // Agent images (issue #16): sent as `image-update` through the device link.
      { register: (app) => registerImageRoutes(app, { dataDir: config.dataDir, fleet: context.fleet, trustedKeys: context.trustedKeys, sender: CONTROLLER_SENDER, sendCommand: (deviceId, command) => cloudLink.link.publish(deviceId, 'cmd', command), bundleUrl: publicUrl ? (sha256) => `${publicUrl}/v1/bundles/${sha256}` : undefined }) },
      { register: (app) => registerRolloutRoutes(app, { engine: rollouts, fleet: context.fleet }) },
      { register: (app) => registerExperimentRoutes(app, experiments) },
    ],
    registry: context.registry,
    fleet: context.fleet,
    tokens: context.tokens,
    audit: context.audit,
    predictor,
    maxPredictRows: config.predict.maxRowsPerRequest,
    maxConcurrentPredictsPerCaller: config.predict.maxConcurrentPerCaller,
    bodyLimitBytes: config.api.bodyLimitBytes,
  });
  const metrics = new ControllerMetrics({
    devices: () => context.fleet.listDevices(),
    deployments: () => cloudLink.deployments.list(1_000),
    ingestLag: ingestLagQuery(context.db),
    mqttBlobBytes: () => cloudLink.blobs.bytesSent(),
  });
  instrumentApi(api, metrics);
  await registerDashboard(api, { db: context.db });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(experimentTimer);
    await batch.stop();
    await retrain.stop();
    alerts.stop();
    await rollouts.stop();
    await api.close();
    await cloudLink.stop();
    await predictor.close();
    context.close();
  };
  try {
    batch.start(config.batch);
    alerts.start();
    retrain.start();
    rollouts.start();
    const apiUrl = await api.listen({ host: config.api.host, port: config.api.port });
    const brokerUrl = cloudLink.adapter.deviceEndpoint().url;
    log.info({ apiUrl, brokerUrl, dataDir: config.dataDir, batchJobs: config.batch.length }, 'controller started');
    return { context, apiUrl, api, cloudLink, brokerUrl, predictor, batch, alerts, retrain, rollouts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
