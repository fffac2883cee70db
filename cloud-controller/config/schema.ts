import { z } from 'zod';
import { brokerConfigSchema, distributionConfigSchema } from './broker-config.js';
import { accuracyMonitoringConfigSchema } from '../monitoring/accuracy/thresholds.js';
import { alertsConfigSchema } from '../alerts/schema.js';
import { retrainConfigSchema } from '../retrain/schema.js';

/** A node-cron expression plus the batch job it runs (issue #6 "nightly runs configured in the controller config"). */
export const batchScheduleSchema = z.object({
  /** Name shown in logs and the batch-run table. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/),
  /** node-cron expression (`0 2 * * *` = 02:00 every night), evaluated in `timezone`. */
  cron: z.string().min(9),
  /** IANA time zone of the cron expression; defaults to the controller host's zone. */
  timezone: z.string().optional(),
  /** `name@alias`, `name@Production` or `name@version`, resolved at each run so promotions take effect. */
  model: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  /** Input CSV (canonical sales rows) read at each run. */
  input: z.string().min(1),
  /** Output CSV; `{date}` is replaced by the run's UTC date (YYYY-MM-DD). */
  output: z.string().min(1),
});
export type BatchSchedule = z.infer<typeof batchScheduleSchema>;

/**
 * Controller configuration: a JSON file (`--config`), overridden by FLEETCAST_* environment
 * variables, overridden by command-line flags. Every field has a default, so
 * `fleetcast controller` with nothing configured runs a local, loopback-only controller.
 */
export const controllerConfigSchema = z.object({
  /** Holds `controller.db` (SQLite, WAL) and `artifacts/` (bundles by sha256). Env: FLEETCAST_DATA_DIR. */
  dataDir: z.string().min(1).default('.fleetcast/controller'),
  api: z
    .object({
      /** Listen address; loopback by default so nothing is exposed until an operator decides to. Env: FLEETCAST_API_HOST. */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port; 0 picks a free one (printed at start). Env: FLEETCAST_API_PORT. */
      port: z.number().int().min(0).max(65535).default(8780),
      /**
       * URL devices reach the API at, for HTTP range downloads of bundles (deploy commands carry
       * `<publicUrl>/v1/bundles/<sha256>`). Unset: bundles go over MQTT chunks only.
       */
      publicUrl: z.string().url().optional(),
      /** Largest request body in bytes (predict batches). */
      bodyLimitBytes: z.number().int().positive().default(8 * 1024 * 1024),
    })
    .default({}),
  /**
   * PEM files (or directories of `*.pem`) with the ed25519 public keys a pushed bundle must be
   * signed with. Env: FLEETCAST_TRUSTED_KEYS (comma-separated). `<dataDir>/trusted-keys/` is always read too.
   */
  trustedKeys: z.array(z.string().min(1)).default([]),
  registry: z
    .object({
      /** Four-eyes rule: promotion to Production needs a second operator's approval. Env: FLEETCAST_REQUIRE_PRODUCTION_APPROVAL. */
      requireProductionApproval: z.boolean().default(false),
    })
    .default({}),
  predict: z
    .object({
      /** Most rows one `POST /v1/models/{name}/predict` call may score. */
      maxRowsPerRequest: z.number().int().positive().default(10_000),
      /** Predict calls one API token may run at once; more are refused with 429 FC_ERR_PREDICT_BUSY (issue #9). */
      maxConcurrentPerCaller: z.number().int().positive().max(64).default(2),
    })
    .default({}),
  /** Nightly (or any cron) batch-scoring runs. */
  batch: z.array(batchScheduleSchema).default([]),
  /** The cloud-link broker: embedded aedes by default, or an external MQTT broker. */
  broker: brokerConfigSchema.default({ kind: 'aedes' }),
  /** Bundle transfer limits. */
  distribution: distributionConfigSchema.default({}),
  /** Accuracy monitoring (issue #12): the sequential alarm's parameters per model and store group. */
  monitoring: z.object({ accuracy: accuracyMonitoringConfigSchema.default({}) }).default({}),
  /** Alert rules, channels, escalation and delivery retries (issue #12). */
  alerts: alertsConfigSchema.default({}),
  /** Retraining on sustained alarms: candidates in Development, never promoted (issue #12). */
  retrain: retrainConfigSchema.default({}),
  /** Staged rollouts and their environments (issue #13, docs/rollouts.md). */
  rollouts: z
    .object({
      /** Milliseconds between timer ticks (bake times, opening hours); device events and telemetry also trigger a tick at once. */
      tickIntervalMs: z.number().int().min(50).max(600_000).default(5_000),
      /** Selector of the staging group of stores; `environment: staging` rollouts go there. Unset: no staging environment. */
      stagingSelector: z.string().min(1).max(500).optional(),
      /** A production rollout needs a completed staging rollout of the same version first. */
      requireStaging: z.boolean().default(false),
    })
    .default({}),
});
export type ControllerConfig = z.infer<typeof controllerConfigSchema>;
