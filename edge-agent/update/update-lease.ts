import type Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** How often the holder renews its lease while a deployment runs. */
const RENEW_EVERY_MS = 5_000;
/** A lease not renewed for this long is stale (holder hung or its pid was reused). */
const STALE_AFTER_MS = 30_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who may run a deployment right now. The daemon and `fleetcast agent install` share one
 * SQLite file; two update engines driving the same state row would corrupt each other's
 * deployment, so the one that starts a deployment takes this lease (in SQLite, renewed while it
 * runs) and the other gets FC_ERR_UPDATE_BUSY. A holder killed by SIGKILL or power loss leaves
 * a lease whose pid is gone or which stopped being renewed: it is taken over.
 */
export class UpdateLease {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS update_lease (slot INTEGER PRIMARY KEY CHECK (slot = 1), pid INTEGER NOT NULL, renewed_at INTEGER NOT NULL)');
  }

  /** Takes the lease or throws FC_ERR_UPDATE_BUSY naming the live holder. */
  acquire(): void {
    const now = Date.now();
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT pid, renewed_at AS renewedAt FROM update_lease WHERE slot = 1').get() as { pid: number; renewedAt: number } | undefined;
      if (row && row.pid !== process.pid && processAlive(row.pid) && now - row.renewedAt < STALE_AFTER_MS) {
        throw new FleetcastError('FC_ERR_UPDATE_BUSY', `process ${row.pid} is running a deployment`, { pid: row.pid });
      }
      this.db.prepare('INSERT INTO update_lease (slot, pid, renewed_at) VALUES (1, ?, ?) ON CONFLICT(slot) DO UPDATE SET pid = excluded.pid, renewed_at = excluded.renewed_at').run(process.pid, now);
    }).immediate();
    this.timer = setInterval(() => this.db.prepare('UPDATE update_lease SET renewed_at = ? WHERE slot = 1 AND pid = ?').run(Date.now(), process.pid), RENEW_EVERY_MS);
    this.timer.unref();
  }

  /** Gives the lease back (only if this process still holds it). */
  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.db.prepare('DELETE FROM update_lease WHERE slot = 1 AND pid = ?').run(process.pid);
  }
}
