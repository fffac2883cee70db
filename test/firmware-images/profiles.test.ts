import test from 'ava';
import { builtinProfiles, loadProfile, parseProfile } from '../../firmware-images/profiles/load-profile.js';
import { BUILTIN_PROFILES } from '../../firmware-images/profiles/builtin.js';
import { applyProfile, appliedProfileRuntime, PROFILE_RUNTIME_ENV, withPrecisionPreference } from '../../edge-agent/config/profile.js';
import { parseAgentConfig } from '../../edge-agent/config/load-config.js';
import { isFleetcastError } from '../../protocols/errors/fleetcast-error.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFleetcastError(error) ? error.code : 'not coded';
  }
  return undefined;
}

test('the three built-in profiles validate: x86_64 mini PC, arm64 Pi class, arm64 2 GB board', (t) => {
  const profiles = builtinProfiles();
  t.deepEqual(profiles.map((profile) => [profile.id, profile.arch]), [['x86-64-mini-pc', 'x64'], ['arm64-pi', 'arm64'], ['arm64-2gb', 'arm64']]);
  t.is(profiles.find((profile) => profile.id === 'arm64-2gb')?.runtime.precision, 'fp32');
});

test('a profile asking for more threads than cores, or an unknown field, is refused with a code', async (t) => {
  const base = BUILTIN_PROFILES[2];
  t.is(codeOf(() => parseProfile({ ...base, runtime: { ...base.runtime, onnxruntime: { ...base.runtime.onnxruntime, intraOpNumThreads: 8 } } }, 'x')), 'FC_ERR_IMAGE_PROFILE_INVALID');
  t.is(codeOf(() => parseProfile({ ...base, gpu: true }, 'x')), 'FC_ERR_IMAGE_PROFILE_INVALID');
  const unknown = await loadProfile('no-such-board').catch((error: unknown) => error);
  t.true(isFleetcastError(unknown) && unknown.code === 'FC_ERR_IMAGE_PROFILE_UNKNOWN');
});

test('the agent applies its profile: outbox budget capped, onnxruntime options and fp32 preference visible to every thread', (t) => {
  const profile = builtinProfiles().find((candidate) => candidate.id === 'arm64-2gb')!;
  const config = parseAgentConfig({ deviceId: 'd1', hardwareProfile: profile.id, profile, dataDir: '/tmp/x', pos: { users: [{ username: 'pos', password: 'password1' }] }, privacy: { hashKeyHex: 'ab'.repeat(32) }, outboxBudgetBytes: 1024 * 1024 * 1024 }, '/tmp');
  const previous = process.env[PROFILE_RUNTIME_ENV];
  t.teardown(() => {
    if (previous === undefined) delete process.env[PROFILE_RUNTIME_ENV];
    else process.env[PROFILE_RUNTIME_ENV] = previous;
  });
  t.is(applyProfile(config).outboxBudgetBytes, profile.outboxBudgetBytes);
  t.deepEqual(appliedProfileRuntime()?.onnxruntime, profile.runtime.onnxruntime);
  t.deepEqual(withPrecisionPreference({ precision: 'int8', fallback: null }), { precision: 'fp32', fallback: { code: 'FC_ERR_PROFILE_PREFERS_FP32', detail: 'the hardware profile prefers fp32' } });
  t.is(codeOf(() => applyProfile({ ...config, hardwareProfile: 'other' })), 'FC_ERR_INVALID_CONFIG');
});
