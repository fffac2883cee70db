import type { FastifyInstance } from 'fastify';
import { createLogger } from '../protocols/runtime/logger.js';
import type { ConfigSources } from './config/load.js';
import { openControllerContext, type ControllerContext } from './controller-context.js';
import { buildApiServer } from './api/server.js';
import { Predictor } from './predict/predictor.js';
import { BatchScheduler } from './predict/batch-schedule.js';

const log = createLogger('controller');

/** A running controller daemon and how to reach it. */
export interface RunningController {
  context: ControllerContext;
  /** Base URL of the REST API (`http://127.0.0.1:8780`); OpenAPI at `/docs/json`. */
  apiUrl: string;
  api: FastifyInstance;
  predictor: Predictor;
  batch: BatchScheduler;
  /** Stops the API, schedules and workers, then closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts `fleetcast controller` (issue #6): registry, fleet, REST API, cloud predict and
 * nightly batch schedules over one data dir. With no configuration at all it runs on
 * embedded defaults (data dir `.fleetcast/controller`, API on 127.0.0.1:8780).
 */
export async function startController(sources: ConfigSources): Promise<RunningController> {
  const context = openControllerContext(sources);
  const { config } = context;
  const predictor = new Predictor(context.registry, context.trustedKeys);
  const batch = new BatchScheduler(context.db, predictor, log);
  const api = await buildApiServer({
    registry: context.registry,
    fleet: context.fleet,
    tokens: context.tokens,
    audit: context.audit,
    predictor,
    maxPredictRows: config.predict.maxRowsPerRequest,
    bodyLimitBytes: config.api.bodyLimitBytes,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await batch.stop();
    await api.close();
    await predictor.close();
    context.close();
  };
  try {
    batch.start(config.batch);
    const apiUrl = await api.listen({ host: config.api.host, port: config.api.port });
    log.info({ apiUrl, dataDir: config.dataDir, batchJobs: config.batch.length }, 'controller started');
    return { context, apiUrl, api, predictor, batch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
