import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { schedule, validate, type ScheduledTask } from 'node-cron';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { BatchSchedule } from '../config/schema.js';
import type { ControllerDb } from '../storage/db.js';

/** The compiled `fleetcast` entry point, run as a child process for each batch job. */
const CLI_ENTRY = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** How the child finds the same data dir and config as the daemon. */
export interface BatchJobSources {
  dataDir: string;
  configPath?: string;
}

/** What `fleetcast predict --json` prints. */
interface PredictOutput {
  ok?: false;
  error?: { code: string };
  model?: { name: string; version: number };
  rows?: number;
  output?: string;
}

/**
 * Runs `fleetcast predict --json` in a child process. A nightly batch reads a whole CSV,
 * indexes its history and builds features — seconds of CPU that must not run on the daemon's
 * main thread beside the embedded aedes broker (house rule), and memory that is returned to the
 * system when the child exits. The child opens the same data dir (SQLite WAL) and config.
 */
function runPredictChild(job: BatchSchedule, output: string, sources: BatchJobSources): Promise<PredictOutput> {
  const args = [CLI_ENTRY, 'predict', '--model', job.model, '--input', job.input, '--output', output, '--data-dir', sources.dataDir, '--json'];
  if (sources.configPath) args.push('--config', sources.configPath);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', () => resolve({ ok: false, error: { code: 'FC_ERR_INTERNAL' } }));
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as PredictOutput);
      } catch {
        resolve({ ok: false, error: { code: 'FC_ERR_INTERNAL' } });
      }
    });
  });
}

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
  private readonly runListeners = new Set<(run: BatchRunRecord) => void>();

  constructor(private readonly db: ControllerDb, private readonly sources: BatchJobSources, private readonly logger: Logger) {
    db.exec(`CREATE TABLE IF NOT EXISTS batch_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
      model TEXT, rows INTEGER, output TEXT, result TEXT NOT NULL
    )`);
  }

  /** node-cron's own messages (e.g. a run skipped by `noOverlap`) go to pino on stderr, not console. */
  private readonly cronLogger = {
    info: (message: string) => this.logger.info({ source: 'node-cron' }, message),
    warn: (message: string) => this.logger.warn({ source: 'node-cron' }, message),
    error: (message: string | Error, err?: Error) => this.logger.error({ source: 'node-cron', err: err ?? message }, String(message)),
    debug: (message: string | Error, err?: Error) => this.logger.debug({ source: 'node-cron', err }, String(message)),
  };

  /** Schedules every job; an invalid cron expression or time zone is FC_ERR_INVALID_CONFIG before anything starts. */
  start(jobs: readonly BatchSchedule[]): void {
    for (const job of jobs) {
      if (!validate(job.cron)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `batch ${job.name}: cron "${job.cron}"`, { job: job.name });
    }
    for (const job of jobs) {
      try {
        this.tasks.push(schedule(job.cron, () => this.runJob(job), { name: `batch:${job.name}`, timezone: job.timezone, noOverlap: true, logger: this.cronLogger }));
      } catch (error) {
        throw new FleetcastError('FC_ERR_INVALID_CONFIG', `batch ${job.name}: ${(error as Error).message}`, { job: job.name }, { cause: error });
      }
    }
  }

  /** Runs one job now in a child process (also what each cron tick does); failures are recorded, never thrown into node-cron. */
  async runJob(job: BatchSchedule, now = new Date()): Promise<BatchRunRecord> {
    const startedAt = now.toISOString();
    const output = job.output.replaceAll('{date}', startedAt.slice(0, 10));
    let record: Omit<BatchRunRecord, 'id' | 'finished_at'>;
    const result = await runPredictChild(job, output, this.sources);
    if (result.model && result.ok !== false) {
      record = { job: job.name, started_at: startedAt, model: `${result.model.name}@${result.model.version}`, rows: result.rows ?? null, output, result: 'ok' };
      this.logger.info({ job: job.name, rows: result.rows, model: record.model, output }, 'batch predict finished');
    } else {
      const code = result.error?.code ?? 'FC_ERR_INTERNAL';
      record = { job: job.name, started_at: startedAt, model: null, rows: null, output: null, result: code };
      this.logger.error({ job: job.name, code }, 'batch predict failed');
    }
    const inserted = this.db
      .prepare('INSERT INTO batch_runs (job, started_at, finished_at, model, rows, output, result) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(record.job, record.started_at, new Date().toISOString(), record.model, record.rows, record.output, record.result);
    const stored = this.db.prepare('SELECT * FROM batch_runs WHERE id = ?').get(inserted.lastInsertRowid) as BatchRunRecord;
    for (const listener of this.runListeners) listener(stored);
    return stored;
  }

  /** Calls `listener` with every run once it is recorded, so callers wait for the event, not poll (issue #9). */
  onRun(listener: (run: BatchRunRecord) => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
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
