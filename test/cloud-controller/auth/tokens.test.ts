import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { TokenStore } from '../../../cloud-controller/auth/tokens.js';
import { codeOf, tempDir } from '../helpers.js';

test('API tokens are shown once, stored hashed, and stop working when revoked', (t) => {
  const dataDir = tempDir();
  const db = openControllerDb(dataDir);
  const tokens = new TokenStore(db);
  const { token, info } = tokens.create('otto', 'operator');
  t.regex(token, /^fct_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  t.deepEqual(tokens.authenticate(token), { tokenId: info.tokenId, name: 'otto', role: 'operator' });
  // The secret part after `fct_<12 hex>_` never reaches the database files (only its sha256 does).
  const secret = token.slice('fct_000000000000_'.length);
  db.pragma('wal_checkpoint(TRUNCATE)');
  for (const file of readdirSync(dataDir).filter((name) => name.startsWith('controller.db'))) {
    t.false(readFileSync(join(dataDir, file)).includes(Buffer.from(secret)), file);
  }
  t.is(secret.length, 43);
  t.is(tokens.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), null);
  t.is(tokens.authenticate('fct_nothex_x'), null);
  t.is(tokens.authenticate(''), null);
  tokens.revoke(info.tokenId);
  t.is(tokens.authenticate(token), null);
  t.not(tokens.list()[0].revokedAt, null);
  t.is(codeOf(() => tokens.create('x', 'root')), 'FC_ERR_USAGE');
});
