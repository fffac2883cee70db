import test from 'ava';
import { runCli } from '../helpers/run-cli.js';

const groups = ['data', 'train', 'runs', 'package', 'bundle', 'keys', 'controller', 'registry', 'devices', 'broker', 'predict', 'agent'];

test('fleetcast --help lists every command group', async (t) => {
  const result = await runCli(['--help']);
  t.is(result.code, 0);
  const listed = [...result.stdout.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1]);
  for (const group of groups) t.true(listed.includes(group), `${group} missing from --help`);
});

for (const group of groups) {
  test(`fleetcast ${group} --help works`, async (t) => {
    const result = await runCli([group, '--help']);
    t.is(result.code, 0);
    t.regex(result.stdout, new RegExp(`^Usage: fleetcast ${group}\\b`, 'm'));
  });
}

test('an unknown command fails with a usage error, not a stack trace', async (t) => {
  const result = await runCli(['no-such-command']);
  t.not(result.code, 0);
  t.notRegex(result.stderr, /\n\s+at /);
});
