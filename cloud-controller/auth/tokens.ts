import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ControllerDb } from '../storage/db.js';
import { roleSchema, type Role } from './roles.js';

/** What a token authenticates as: the audit log's "who". */
export const principalSchema = z.object({ tokenId: z.string(), name: z.string(), role: roleSchema });
export type Principal = z.infer<typeof principalSchema>;

/** A token as listed (never with its secret). */
export const tokenInfoSchema = principalSchema.extend({ createdAt: z.string(), revokedAt: z.string().nullable() });
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** Token wire form `fct_<id>_<secret>`: the id selects the row, the secret is compared by hash. */
const TOKEN_PATTERN = /^fct_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  secret_sha256: string;
  created_at: string;
  revoked_at: string | null;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * API tokens, hashed at rest (issue #6). The secret carries 256 random bits, so a plain
 * sha256 is enough (a slow KDF protects low-entropy passwords, not random keys) and keeps
 * per-request verification cheap.
 */
export class TokenStore {
  constructor(private readonly db: ControllerDb, private readonly now: () => Date = () => new Date()) {
    db.exec(`CREATE TABLE IF NOT EXISTS api_tokens (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_sha256 TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT
    )`);
  }

  /** Issues a token; the returned `token` string is shown once and never stored. */
  create(name: string, roleInput: string): { token: string; info: TokenInfo } {
    const role = roleSchema.safeParse(roleInput);
    if (!role.success) throw new FleetcastError('FC_ERR_USAGE', `role must be one of ${roleSchema.options.join(', ')}`);
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new FleetcastError('FC_ERR_USAGE', 'token name: 1-64 letters, digits, . _ @ -');
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    this.db.prepare('INSERT INTO api_tokens (id, name, role, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)').run(id, name, role.data, sha256(secret).toString('hex'), this.now().toISOString());
    return { token: `fct_${id}_${secret}`, info: this.info(id) };
  }

  /** The principal for a presented token, or null if unknown, malformed, wrong or revoked. */
  authenticate(token: string): Principal | null {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(match[1]) as TokenRow | undefined;
    if (!row || row.revoked_at) return null;
    if (!timingSafeEqual(sha256(match[2]), Buffer.from(row.secret_sha256, 'hex'))) return null;
    return { tokenId: row.id, name: row.name, role: row.role };
  }

  /** Revokes a token by id (idempotent). */
  revoke(id: string): TokenInfo {
    this.info(id);
    this.db.prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(this.now().toISOString(), id);
    return this.info(id);
  }

  /** All tokens without secrets. */
  list(): TokenInfo[] {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at, id').all() as TokenRow[]).map((row) => ({ tokenId: row.id, name: row.name, role: row.role, createdAt: row.created_at, revokedAt: row.revoked_at }));
  }

  private info(id: string): TokenInfo {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    if (!row) throw new FleetcastError('FC_ERR_USAGE', `no token ${id}`);
    return { tokenId: row.id, name: row.name, role: row.role, createdAt: row.created_at, revokedAt: row.revoked_at };
  }
}
