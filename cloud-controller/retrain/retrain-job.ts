import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { schedule, validate, type ScheduledTask } from 'node-cron';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { AlertStore } from '../alerts/alert-store.js';
import type { AlertRule } from '../alerts/schema.js';
import type { RetrainLog, RetrainRecord } from './retrain-log.js';
import type { RetrainConfig } from './schema.js';

const CLI_ENTRY = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Where the daemon's retraining child finds the controller (same config and data dir). */
export interface RetrainJobSources {
  dataDir: string;
  configPath?: string;
}

/** Outcome of one retraining the job asked for. */
export type RetrainOutcome = { alertId: string; ok: true; record: RetrainRecord } | { alertId: string; ok: false; code: string };

/**
 * Runs `fleetcast retrain` in a child process: training is synchronous CPU work that must not
 * stall the daemon's broker and API thread for its duration (as batch predict, issue #6).
 */
function retrainChild(model: string, data: string, alertId: string, sources: RetrainJobSources): Promise<RetrainOutcome> {
  const args = [CLI_ENTRY, 'retrain', '--model', model, '--data', data, '--alert', alertId, '--data-dir', sources.dataDir, '--actor', 'fleetcast-retrain', '--json'];
  if (sources.configPath) args.push('--config', sources.configPath);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', () => resolve({ alertId, ok: false, code: 'FC_ERR_INTERNAL' }));
    child.on('close', () => {
      try {
        const body = JSON.parse(stdout) as RetrainRecord | { ok: false; error: { code: string } };
        resolve('error' in body ? { alertId, ok: false, code: body.error.code } : { alertId, ok: true, record: body });
      } catch {
        resolve({ alertId, ok: false, code: 'FC_ERR_INTERNAL' });
      }
    });
  });
}

/**
 * The scheduled retraining job (issue #12): on each cron tick, every configured model with an
 * unresolved alert of a `retrain: true` rule that no candidate answered yet is retrained once
 * for that alert. Candidates land in Development; nothing here promotes.
 */
export class RetrainJob {
  private task: ScheduledTask | null = null;

  constructor(
    private readonly deps: { config: RetrainConfig; rules: readonly AlertRule[]; alerts: AlertStore; log: RetrainLog; logger: Logger; sources: RetrainJobSources },
  ) {}

  /** Alerts that ask for a retraining of `model` and have none yet, oldest first. */
  private pending(model: string): string[] {
    const rules = new Set(this.deps.rules.filter((rule) => rule.retrain && (rule.model === undefined || rule.model === model)).map((rule) => rule.name));
    return this.deps.alerts
      .list({ state: 'unresolved' })
      .filter((alert) => rules.has(alert.rule) && (alert.model === null || alert.model === model) && !this.deps.log.answered(alert.id))
      .map((alert) => alert.id)
      .reverse();
  }

  /** One run: one retraining per model that has a pending alert (the oldest answers for all of them). */
  async runOnce(): Promise<RetrainOutcome[]> {
    const outcomes: RetrainOutcome[] = [];
    for (const { model, data } of this.deps.config.models) {
      const [alertId] = this.pending(model);
      if (!alertId) continue;
      const outcome = await retrainChild(model, data, alertId, this.deps.sources);
      if (outcome.ok) this.deps.logger.info({ model, alert: alertId, version: outcome.record.version }, 'retrained candidate registered in Development');
      else this.deps.logger.error({ model, alert: alertId, code: outcome.code }, 'retraining failed');
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /** Schedules `runOnce` on `retrain.cron` (no-op without one); a bad expression is FC_ERR_INVALID_CONFIG. */
  start(): void {
    const { cron, timezone } = this.deps.config;
    if (!cron || this.task) return;
    if (!validate(cron)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `retrain: cron "${cron}"`);
    this.task = schedule(cron, () => void this.runOnce(), { name: 'retrain', timezone, noOverlap: true });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
  }
}
