import test from 'ava';
import { parseAgentConfig } from '../../edge-agent/config/load-config.js';
import type { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { HASH_KEY_HEX, POS_USER } from './helpers/agent-fixture.js';

const base = (pos: Record<string, unknown>) => ({ deviceId: 'store-1', dataDir: 'data', pos: { users: [POS_USER], ...pos }, privacy: { hashKeyHex: HASH_KEY_HEX } });

test('POS broker options: aedes with 256 KiB packets by default; reserved usernames refused; Mosquitto usernames fit a password file', (t) => {
  const config = parseAgentConfig(base({}), '/tmp');
  t.is(config.pos.backend, 'aedes');
  t.like(config.pos.limits, { maxPacketBytes: 256 * 1024, connectTimeoutMs: 10_000 });
  const reserved = t.throws<FleetcastError>(() => parseAgentConfig(base({ users: [{ username: 'fleetcast-pos-agent', password: 'long-enough-1' }] }), '/tmp'));
  t.is(reserved?.code, 'FC_ERR_INVALID_CONFIG');
  t.deepEqual(reserved?.details?.path, ['pos', 'users', 0, 'username']);
  const spaced = { users: [{ username: 'till user', password: 'long-enough-1' }] };
  t.notThrows(() => parseAgentConfig(base(spaced), '/tmp'), 'any username works with aedes');
  t.deepEqual(t.throws<FleetcastError>(() => parseAgentConfig(base({ ...spaced, backend: 'mosquitto' }), '/tmp'))?.details?.path, ['pos', 'users', 0, 'username']);
});
