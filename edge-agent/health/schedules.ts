import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../protocols/runtime/logger.js';

/**
 * node-cron expression firing every `seconds` (6-field, seconds first). Intervals that do not
 * divide a minute/hour round to the nearest expressible step (cron counts within the minute).
 */
export function everySeconds(seconds: number): string {
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `0 */${minutes} * * * *`;
  return `0 0 */${Math.min(23, Math.max(1, Math.round(minutes / 60)))} * * *`;
}

/**
 * The agent's periodic jobs on node-cron (issue #5 "node-cron for heartbeat, flush, retention
 * and drift windows"). A job that throws is logged and runs again next tick; `replace` lets a
 * `configure` command change a cadence without a restart.
 */
export class Schedules {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** (Re)schedules job `name` on `expression`. */
  replace(name: string, expression: string, job: () => Promise<void> | void): void {
    void this.tasks.get(name)?.destroy();
    const task = cron.schedule(expression, async () => {
      try {
        await job();
      } catch (error) {
        this.logger.error({ job: name, err: (error as Error).message }, 'scheduled job failed');
      }
    }, { name, noOverlap: true });
    this.tasks.set(name, task);
  }

  /** Stops every job (shutdown). */
  stopAll(): void {
    for (const task of this.tasks.values()) void task.destroy();
    this.tasks.clear();
  }
}
