import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf, parsePublicKeyPem, type TrustedKeys } from '../../protocols/bundle/keys.js';
import type Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { keySetSignedBy, signingKeySetSchema, type SigningKeySet, type SigningKeysCommand } from '../../protocols/messages/cmd/signing-keys.js';
import type { Logger } from '../../protocols/runtime/logger.js';

/** Raw ed25519 public keys are 32 bytes (RFC 8032 §5.1.5). */
const RAW_ED25519_BYTES = 32;

function parseKeyText(text: string): KeyObject {
  if (text.includes('-----BEGIN')) return parsePublicKeyPem(text);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === RAW_ED25519_BYTES) return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
  return parsePublicKeyPem(createPublicKey({ key: bytes, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }));
}

/**
 * Turns the agent config's `trustedKeys` (key id → PEM, or base64 of the raw 32-byte key or
 * of its SPKI DER) into the verifier's map. Each entry's id must be the key's own id, so a
 * config cannot trust a key under another key's name (FC_ERR_INVALID_CONFIG otherwise).
 */
export function trustedKeysFromConfig(entries: Readonly<Record<string, string>>): TrustedKeys {
  const keys = new Map<string, KeyObject>();
  for (const [keyId, text] of Object.entries(entries)) {
    let key: KeyObject;
    try {
      key = parseKeyText(text);
    } catch (error) {
      throw new FleetcastError('FC_ERR_INVALID_CONFIG', `trustedKeys.${keyId}: not an ed25519 public key`, { keyId }, { cause: error });
    }
    const actual = keyIdOf(key);
    if (actual !== keyId) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `trustedKeys.${keyId}: the key's id is ${actual}`, { keyId, actual });
    keys.set(keyId, key);
  }
  return keys;
}

/**
 * The signing keys an agent trusts right now (issue #11): its config's `trustedKeys` plus the
 * fleet set the controller distributes (`signing-keys` command, signed by a controller key),
 * minus the keys that set retires. The set is persisted in the agent's SQLite file before it
 * is applied, and `keys` is one live map the update engine reads on every verification.
 */
export class SigningKeyRing {
  /** The effective bundle signers; mutated in place when a new set is applied. */
  readonly keys = new Map<string, KeyObject>();
  private current: SigningKeySet | null = null;

  constructor(private readonly db: Database.Database, private readonly configKeys: TrustedKeys, private readonly controllerKeys: TrustedKeys, logger?: Logger) {
    db.exec('CREATE TABLE IF NOT EXISTS signing_key_set (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, key_set TEXT NOT NULL)');
    const row = db.prepare('SELECT key_set FROM signing_key_set WHERE id = 1').get() as { key_set: string } | undefined;
    if (row) {
      // A stored set that no longer parses must not stop the agent: it serves on its config keys.
      const parsed = signingKeySetSchema.safeParse(safeJson(row.key_set));
      if (parsed.success) this.current = parsed.data;
      else logger?.error({ issue: parsed.error.issues[0]?.message }, 'stored signing-key set unreadable; using config keys only');
    }
    this.rebuild();
  }

  /** Version of the distributed set held (0 = none yet). */
  version(): number {
    return this.current?.version ?? 0;
  }

  /**
   * Verifies and persists a distributed set: FC_ERR_KEYSET_SIGNATURE_INVALID unless a controller
   * key signed it, FC_ERR_KEYSET_STALE when older than the held one (the same version again is a
   * no-op, so a redelivered command is harmless). Returns whether the trusted keys changed.
   */
  apply(command: SigningKeysCommand): boolean {
    if (!keySetSignedBy(command.keySet, command.signature, this.controllerKeys)) {
      throw new FleetcastError('FC_ERR_KEYSET_SIGNATURE_INVALID', `key ${command.signature.keyId}`, { keyId: command.signature.keyId });
    }
    if (command.keySet.version < this.version()) throw new FleetcastError('FC_ERR_KEYSET_STALE', `v${command.keySet.version} < v${this.version()}`);
    if (command.keySet.version === this.version()) return false;
    // Each key must parse and carry its own id before anything is stored.
    trustedKeysFromConfig(Object.fromEntries(command.keySet.trusted.map((key) => [key.keyId, key.publicKeyPem])));
    this.db.prepare('INSERT INTO signing_key_set (id, version, key_set) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, key_set = excluded.key_set')
      .run(command.keySet.version, JSON.stringify(command.keySet));
    this.current = command.keySet;
    this.rebuild();
    return true;
  }

  private rebuild(): void {
    const distributed = trustedKeysFromConfig(Object.fromEntries((this.current?.trusted ?? []).map((key) => [key.keyId, key.publicKeyPem])));
    const retired = new Set(this.current?.retired ?? []);
    this.keys.clear();
    for (const [keyId, key] of [...this.configKeys, ...distributed]) if (!retired.has(keyId)) this.keys.set(keyId, key);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
