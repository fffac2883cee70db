import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

export type AgentDb = Database.Database;

/**
 * Opens the agent's one SQLite file (DESIGN "Storage"). WAL lets readers run beside the
 * writer; synchronous=FULL makes every commit survive power loss (the outbox and update state
 * rely on it); busy_timeout covers the update engine and the serving side sharing the file.
 * Each module creates its own tables.
 */
export function openAgentDb(path: string): AgentDb {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    throw new FleetcastError('FC_ERR_AGENT_DB_FAILED', `${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}
