import type { ModelRef } from '../../protocols/envelope.js';
import type { AgentDb } from '../storage/db.js';
import type { Outbox } from '../storage/outbox.js';
import { drainPendingCounters } from '../storage/drain-pending.js';
import type { ServedPrediction } from '../storage/served-predictions.js';

/**
 * Per-day loss-differential sums of shadow experiments (issue #13): for every actual that
 * matches both the serving model's and the shadow model's forecast of the same row, n, Σd, Σd²
 * and each arm's ΣL with L = |forecast − actual| and d = L(champion) − L(challenger). Like the
 * accuracy counters, pending sums live in SQLite and move to the outbox in the transaction that
 * clears them, so each pair is reported once even across crashes.
 */
export class ExperimentCounters {
  private readonly db: AgentDb;
  private readonly experimentOf: (challenger: ModelRef) => string | null;

  constructor(db: AgentDb, experimentOf: (challenger: ModelRef) => string | null) {
    this.db = db;
    this.experimentOf = experimentOf;
    db.exec(`CREATE TABLE IF NOT EXISTS experiment_pending (
      experiment_id TEXT NOT NULL, day TEXT NOT NULL,
      champion_name TEXT NOT NULL, champion_version INTEGER NOT NULL, challenger_name TEXT NOT NULL, challenger_version INTEGER NOT NULL,
      n INTEGER NOT NULL, sum_diff REAL NOT NULL, sum_diff_squared REAL NOT NULL, sum_loss_champion REAL NOT NULL, sum_loss_challenger REAL NOT NULL,
      PRIMARY KEY (experiment_id, day, champion_name, champion_version, challenger_name, challenger_version)
    ) WITHOUT ROWID`);
  }

  /** Adds the pair among one row's matched forecasts, if both arms forecast it; returns whether it counted. */
  add(matched: readonly ServedPrediction[], actualUnits: number): boolean {
    const champion = matched.find((prediction) => prediction.role === 'active');
    const challenger = matched.find((prediction) => prediction.role === 'shadow');
    if (!champion || !challenger) return false;
    const experimentId = this.experimentOf(challenger.model);
    if (experimentId === null) return false;
    const lossChampion = Math.abs(champion.value - actualUnits);
    const lossChallenger = Math.abs(challenger.value - actualUnits);
    const d = lossChampion - lossChallenger;
    this.db
      .prepare(`INSERT INTO experiment_pending VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
        ON CONFLICT (experiment_id, day, champion_name, champion_version, challenger_name, challenger_version) DO UPDATE SET n = n + 1,
          sum_diff = sum_diff + excluded.sum_diff, sum_diff_squared = sum_diff_squared + excluded.sum_diff_squared,
          sum_loss_champion = sum_loss_champion + excluded.sum_loss_champion, sum_loss_challenger = sum_loss_challenger + excluded.sum_loss_challenger`)
      .run(experimentId, champion.date, champion.model.name, champion.model.version, challenger.model.name, challenger.model.version, d, d * d, lossChampion, lossChallenger);
    return true;
  }

  /** Moves every pending counter into the outbox as `experiment` records; returns how many. */
  drainTo(outbox: Outbox, now: Date = new Date()): number {
    return drainPendingCounters<PendingExperiment>(this.db, 'experiment_pending', 'SELECT * FROM experiment_pending ORDER BY day, experiment_id', outbox, (row) => ({
      kind: 'experiment',
      ts: now.toISOString(),
      experimentId: row.experiment_id,
      day: row.day,
      champion: { name: row.champion_name, version: row.champion_version },
      challenger: { name: row.challenger_name, version: row.challenger_version },
      n: row.n,
      sumDiff: row.sum_diff,
      sumDiffSquared: row.sum_diff_squared,
      sumLossChampion: row.sum_loss_champion,
      sumLossChallenger: row.sum_loss_challenger,
    }));
  }
}

/** A row of `experiment_pending`. */
interface PendingExperiment {
  experiment_id: string; day: string; champion_name: string; champion_version: number; challenger_name: string; challenger_version: number;
  n: number; sum_diff: number; sum_diff_squared: number; sum_loss_champion: number; sum_loss_challenger: number;
}
