import { keyIdOf, parsePublicKeyPem } from '../../protocols/bundle/keys.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import { signKeySet, type SigningKeySet, type SigningKeysCommand } from '../../protocols/messages/cmd/signing-keys.js';
import type { Sender } from '../../protocols/envelope.js';
import type { ControllerDb } from '../storage/db.js';
import type { ControllerSigningKey } from './controller-key.js';

/** One fleet signing key as `keys list` and `GET /v1/signing-keys` show it. */
export interface FleetSigningKey {
  keyId: string;
  status: 'trusted' | 'retired';
  changedAt: string;
}

interface KeyRow {
  key_id: string;
  public_key_pem: string;
  status: 'trusted' | 'retired';
  changed_at: string;
}

/**
 * The fleet's bundle signing keys as desired state (issue #11): `trust` and `retire` bump one
 * version; every device is sent the whole set, signed by the controller key, until it acks that
 * version (its `command-result`), and again on a birth while it has not — like deployments, no
 * reliance on broker persistence.
 */
export class SigningKeyDistribution {
  constructor(private readonly db: ControllerDb, private readonly signer: ControllerSigningKey, private readonly sender: Sender, private readonly now: () => Date) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS fleet_signing_keys (key_id TEXT PRIMARY KEY, public_key_pem TEXT NOT NULL, status TEXT NOT NULL, changed_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS fleet_key_set (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS device_key_sets (device_id TEXT PRIMARY KEY, sent_version INTEGER NOT NULL, command_id TEXT NOT NULL, acked_version INTEGER NOT NULL DEFAULT 0);
    `);
  }

  /** Adds (or re-trusts) a key; returns its id. */
  trust(publicKeyPem: string): string {
    const keyId = keyIdOf(parsePublicKeyPem(publicKeyPem));
    this.change(() => this.db.prepare(`INSERT INTO fleet_signing_keys (key_id, public_key_pem, status, changed_at) VALUES (?, ?, 'trusted', ?)
      ON CONFLICT (key_id) DO UPDATE SET status = 'trusted', changed_at = excluded.changed_at`).run(keyId, publicKeyPem, this.now().toISOString()));
    return keyId;
  }

  /** Retires a key the fleet trusted: agents stop accepting bundles it signed, even from their config. */
  retire(keyId: string): void {
    if (!this.db.prepare('SELECT 1 FROM fleet_signing_keys WHERE key_id = ?').get(keyId)) throw new FleetcastError('FC_ERR_SIGNING_KEY_UNKNOWN', keyId, { keyId });
    this.change(() => this.db.prepare(`UPDATE fleet_signing_keys SET status = 'retired', changed_at = ? WHERE key_id = ?`).run(this.now().toISOString(), keyId));
  }

  /** All keys ever trusted, with their status. */
  list(): { version: number; keys: FleetSigningKey[] } {
    const rows = this.db.prepare('SELECT * FROM fleet_signing_keys ORDER BY key_id').all() as KeyRow[];
    return { version: this.version(), keys: rows.map((row) => ({ keyId: row.key_id, status: row.status, changedAt: row.changed_at })) };
  }

  /** The signed command a device still needs, or null when it acked the current set (or there is none). */
  pendingCommand(deviceId: string): SigningKeysCommand | null {
    const version = this.version();
    if (version === 0) return null;
    const device = this.db.prepare('SELECT acked_version FROM device_key_sets WHERE device_id = ?').get(deviceId) as { acked_version: number } | undefined;
    if ((device?.acked_version ?? 0) >= version) return null;
    const rows = this.db.prepare('SELECT * FROM fleet_signing_keys ORDER BY key_id').all() as KeyRow[];
    const keySet: SigningKeySet = {
      version,
      trusted: rows.filter((row) => row.status === 'trusted').map((row) => ({ keyId: row.key_id, publicKeyPem: row.public_key_pem })),
      retired: rows.filter((row) => row.status === 'retired').map((row) => row.key_id),
    };
    const command: SigningKeysCommand = { ...envelope(this.sender, this.now()), type: 'signing-keys', keySet, signature: signKeySet(keySet, this.signer.privateKey) };
    this.db.prepare(`INSERT INTO device_key_sets (device_id, sent_version, command_id) VALUES (?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET sent_version = excluded.sent_version, command_id = excluded.command_id`).run(deviceId, version, command.id);
    return command;
  }

  /** Records a device's answer to a key-set command; true when it now holds a newer set than before. */
  onResult(deviceId: string, commandId: string, ok: boolean): boolean {
    const row = this.db.prepare('SELECT sent_version, command_id, acked_version FROM device_key_sets WHERE device_id = ?').get(deviceId) as { sent_version: number; command_id: string; acked_version: number } | undefined;
    if (!ok || !row || row.command_id !== commandId || row.acked_version >= row.sent_version) return false;
    this.db.prepare('UPDATE device_key_sets SET acked_version = ? WHERE device_id = ?').run(row.sent_version, deviceId);
    return true;
  }

  private version(): number {
    return (this.db.prepare('SELECT version FROM fleet_key_set WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
  }

  private change(write: () => void): void {
    this.db.transaction(() => {
      write();
      this.db.prepare('INSERT INTO fleet_key_set (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = version + 1').run();
    })();
  }
}
