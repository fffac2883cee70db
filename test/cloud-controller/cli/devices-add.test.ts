import test from 'ava';
import { runCli } from '../../helpers/run-cli.js';
import { tempDir } from '../helpers.js';

// `devices add` revealed its required options one error at a time (issue #11).
test('devices add needs only --id: store = id, timezone = the controller\'s, profile generic', async (t) => {
  const result = await runCli(['devices', 'add', '--id', 'till-7', '--data-dir', tempDir(), '--json'], { env: { TZ: 'America/Chicago' } });
  t.is(result.code, 0, result.stdout + result.stderr);
  const { device } = JSON.parse(result.stdout) as { device: { id: string; store: string; region: string; timezone: string; profile: string } };
  t.like(device, { id: 'till-7', store: 'till-7', region: 'default', timezone: 'America/Chicago', profile: 'generic' });
});

test('devices add --help marks --id required and shows every default', async (t) => {
  const result = await runCli(['devices', 'add', '--help'], { env: { TZ: 'Asia/Tokyo' } });
  t.is(result.code, 0);
  t.regex(result.stdout, /--id <deviceId>\s+required:/);
  t.regex(result.stdout, /--profile <profile>.*\(default: "generic"\)/s);
  t.regex(result.stdout, /\(default:\s+"Asia\/Tokyo"\)/);
  t.regex(result.stdout, /\(default: the device id\)/);
});

test('devices add without --id is a usage error (64)', async (t) => {
  const result = await runCli(['devices', 'add', '--data-dir', tempDir()]);
  t.is(result.code, 64);
});

// Interactive commands print their result, not pino lines, unless --verbose (issue #11).
test('devices add logs nothing on stderr by default; --verbose shows the info lines', async (t) => {
  const env = { FLEETCAST_LOG_LEVEL: undefined };
  const quiet = await runCli(['devices', 'add', '--id', 'till-8', '--data-dir', tempDir()], { env });
  t.is(quiet.code, 0);
  t.regex(quiet.stdout, /^enrolled till-8$/m);
  t.is(quiet.stderr, '');
  const verbose = await runCli(['devices', 'add', '--id', 'till-9', '--data-dir', tempDir(), '--verbose'], { env });
  t.is(verbose.code, 0);
  t.regex(verbose.stderr, /"msg":"device may connect"/);
  t.notRegex(verbose.stdout, /"msg"/);
});
