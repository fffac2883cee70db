import { z } from 'zod';
import { finiteNumber, sha256Schema } from '../envelope.js';
import { salesDateSchema } from '../data/sales-date.js';
import { idSchema } from '../ids.js';
import { MAX_SEED_ROWS } from './recent-history.js';
import type { HistoryActual } from './sales-history.js';

/** Largest store-history file a device downloads (bounds the transfer and the parse). */
export const MAX_STORE_HISTORY_BYTES = 128 * 1024 * 1024;

/**
 * A store's recent daily sales as the controller keeps them (issue #10): one JSON file per
 * store in the content-addressed artifact store, fetched by devices over `blob/req` like a
 * bundle, so a freshly deployed store starts with the history its model's features read.
 */
export const storeHistoryFileSchema = z.object({
  formatVersion: z.literal(1),
  store: idSchema,
  rows: z.array(z.object({ item: idSchema, date: salesDateSchema, units: finiteNumber.nonnegative(), price: finiteNumber.nonnegative().optional() })).max(MAX_SEED_ROWS),
});
export type StoreHistoryFile = z.infer<typeof storeHistoryFileSchema>;

/** Where a device gets its store's history: the blob (sha256, size) and what it covers. */
export const storeHistorySourceSchema = z.object({
  sha256: sha256Schema,
  size: z.number().int().positive().max(MAX_STORE_HISTORY_BYTES),
  store: idSchema,
  rows: z.number().int().nonnegative(),
  /** Newest day held. */
  to: salesDateSchema,
});
export type StoreHistorySource = z.infer<typeof storeHistorySourceSchema>;

/** The history rows of a store-history file, as the feature executor's actuals. */
export function storeHistoryActuals(file: StoreHistoryFile): HistoryActual[] {
  return file.rows.map((row) => ({ store: file.store, item: row.item, date: row.date, units: row.units, ...(row.price === undefined ? {} : { price: row.price }) }));
}
