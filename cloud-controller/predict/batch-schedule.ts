import { schedule, validate, type ScheduledTask } from 'node-cron';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { silentProgress } from '../../protocols/runtime/progress.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { BatchSchedule } from '../config/schema.js';
import type { ControllerDb } from '../storage/db.js';
import type { Predictor } from './predictor.js';
import { runBatchPredict } from './batch-predict.js';

/** One recorded batch run (table `batch_runs`), so operators can see last night's outcome. */
export interface BatchRunRecord {
  id: number;
  job: string;
  started_at: string;
  finished_at: string;
  model: string | null;
  rows: number | null;
  output: string | null;
  result: string;
}

/**
 * Nightly batch scoring from the controller config (issue #6): one node-cron task per job,
 * `noOverlap` so a slow night never stacks runs, and every run's outcome in `batch_runs`.
 */
export class BatchScheduler {
  private readonly tasks: ScheduledTask[] = [];

  constructor(private readonly db: ControllerDb, private readonly predictor: Predictor, private readonly logger: Logger) {
    db.exec(`CREATE TABLE IF NOT EXISTS batch_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
      model TEXT, rows INTEGER, output TEXT, result TEXT NOT NULL
    )`);
  }

  /** Schedules every job; an invalid cron expression or time zone is FC_ERR_INVALID_CONFIG before anything starts. */
  start(jobs: readonly BatchSchedule[]): void {
    for (const job of jobs) {
      if (!validate(job.cron)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `batch ${job.name}: cron "${job.cron}"`, { job: job.name });
    }
    for (const job of jobs) {
      try {
        this.tasks.push(schedule(job.cron, () => this.runJob(job), { name: `batch:${job.name}`, timezone: job.timezone, noOverlap: true }));
      } catch (error) {
        throw new FleetcastError('FC_ERR_INVALID_CONFIG', `batch ${job.name}: ${(error as Error).message}`, { job: job.name }, { cause: error });
      }
    }
  }

  /** Runs one job now (also what each cron tick does); failures are recorded, never thrown into node-cron. */
  async runJob(job: BatchSchedule, now = new Date()): Promise<BatchRunRecord> {
    const startedAt = now.toISOString();
    const output = job.output.replaceAll('{date}', startedAt.slice(0, 10));
    let record: Omit<BatchRunRecord, 'id' | 'finished_at'>;
    try {
      const result = await runBatchPredict(this.predictor, job.model, job.input, output, silentProgress);
      record = { job: job.name, started_at: startedAt, model: `${result.model.name}@${result.model.version}`, rows: result.rows, output, result: 'ok' };
      this.logger.info({ job: job.name, rows: result.rows, model: record.model, output }, 'batch predict finished');
    } catch (error) {
      const coded = toFleetcastError(error);
      record = { job: job.name, started_at: startedAt, model: null, rows: null, output: null, result: coded.code };
      this.logger.error({ job: job.name, code: coded.code, err: coded.message }, 'batch predict failed');
    }
    const inserted = this.db
      .prepare('INSERT INTO batch_runs (job, started_at, finished_at, model, rows, output, result) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(record.job, record.started_at, new Date().toISOString(), record.model, record.rows, record.output, record.result);
    return this.db.prepare('SELECT * FROM batch_runs WHERE id = ?').get(inserted.lastInsertRowid) as BatchRunRecord;
  }

  /** Recent runs, newest first. */
  recentRuns(limit = 50): BatchRunRecord[] {
    return this.db.prepare('SELECT * FROM batch_runs ORDER BY id DESC LIMIT ?').all(limit) as BatchRunRecord[];
  }

  /** Stops every scheduled task. */
  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.stop();
  }
}
