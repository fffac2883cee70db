import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { idSchema } from '../../protocols/ids.js';
import { MAX_STORE_HISTORY_BYTES, storeHistoryFileSchema, type StoreHistoryFile, type StoreHistorySource } from '../../protocols/features/store-history-file.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import { putArtifact } from '../storage/artifacts.js';
import type { ControllerDb } from '../storage/db.js';

interface HistoryRow {
  store: string;
  sha256: string;
  size: number;
  rows: number;
  to_date: string;
}

/**
 * Each store's recent daily sales (issue #10), so a store the controller deploys to starts
 * with the history its model's lag and rolling features read. The history is a JSON file in
 * the content-addressed artifact store (served to devices by the blob server like a bundle);
 * this table maps a store to its current file. Replacing a store's history is one upsert.
 */
export class StoreHistory {
  constructor(private readonly db: ControllerDb, private readonly dataDir: string, private readonly now: () => Date = () => new Date()) {
    db.exec(`CREATE TABLE IF NOT EXISTS store_history (
      store TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, rows INTEGER NOT NULL,
      to_date TEXT NOT NULL, updated_at TEXT NOT NULL
    )`);
  }

  /**
   * Replaces the history of `store` with `rows` (daily, one per item and date; other stores'
   * rows are refused). FC_ERR_INVALID_REQUEST when a row is malformed or the file too large.
   */
  async put(store: string, rows: readonly HistoryActual[]): Promise<StoreHistorySource> {
    if (!idSchema.safeParse(store).success) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `store ${store}`);
    const foreign = rows.find((row) => row.store !== store);
    if (foreign) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `row of store ${foreign.store} in the history of ${store}`);
    const sorted = [...rows].sort((a, b) => (a.item === b.item ? a.date.localeCompare(b.date) : a.item.localeCompare(b.item)));
    const parsed = storeHistoryFileSchema.safeParse({ formatVersion: 1, store, rows: sorted.map((row) => ({ item: row.item, date: row.date, units: row.units, ...(row.price === undefined ? {} : { price: row.price }) })) } satisfies StoreHistoryFile);
    if (!parsed.success) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    if (parsed.data.rows.length === 0) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `no history rows for store ${store}`);
    const bytes = Buffer.from(JSON.stringify(parsed.data), 'utf8');
    if (bytes.length > MAX_STORE_HISTORY_BYTES) throw new FleetcastError('FC_ERR_INVALID_REQUEST', `history of ${store} is ${bytes.length} bytes; at most ${MAX_STORE_HISTORY_BYTES}`);
    const tmpDir = join(this.dataDir, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const temp = join(tmpDir, `history-${randomBytes(6).toString('hex')}.json`);
    writeFileSync(temp, bytes);
    let stored;
    try {
      stored = await putArtifact(this.dataDir, temp);
    } finally {
      unlinkSync(temp);
    }
    const to = parsed.data.rows.reduce((max, row) => (row.date > max ? row.date : max), parsed.data.rows[0].date);
    this.db
      .prepare('INSERT INTO store_history (store, sha256, size, rows, to_date, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(store) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, rows = excluded.rows, to_date = excluded.to_date, updated_at = excluded.updated_at')
      .run(store, stored.sha256, stored.size, parsed.data.rows.length, to, this.now().toISOString());
    return { sha256: stored.sha256, size: stored.size, store, rows: parsed.data.rows.length, to };
  }

  /** The current history of `store`, as a deploy command names it. */
  source(store: string): StoreHistorySource | undefined {
    const row = this.db.prepare('SELECT store, sha256, size, rows, to_date FROM store_history WHERE store = ?').get(store) as HistoryRow | undefined;
    return row && { sha256: row.sha256, size: row.size, store: row.store, rows: row.rows, to: row.to_date };
  }
}
