import test from 'ava';
import { runCli } from '../helpers/run-cli.js';

const groups = ['data', 'train', 'runs', 'package', 'bundle', 'keys', 'controller', 'registry', 'devices', 'broker', 'predict', 'agent', 'image'];

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

test('an unknown command fails with a usage error (64), not a stack trace', async (t) => {
  const result = await runCli(['no-such-command']);
  t.is(result.code, 64);
  t.regex(result.stderr, /^error FC_ERR_USAGE: /m);
  t.notRegex(result.stderr, /\n\s+at /);
});

// Usage errors found by commander leave like ours: coded, exit 64 (issue #11; they exited 1).
for (const [what, args] of [
  ['an unknown option', ['train', '--no-such-flag']],
  ['a missing required option', ['keys', 'generate']],
  ['a missing argument', ['bundle', 'inspect']],
  ['an excess argument', ['runs', 'list', 'extra']],
] as const) {
  test(`${what} exits 64 with FC_ERR_USAGE`, async (t) => {
    const result = await runCli([...args]);
    t.is(result.code, 64);
    t.regex(result.stderr, /^error FC_ERR_USAGE: /m);
  });
}

test('a usage error with --json is one JSON document on stdout', async (t) => {
  const result = await runCli(['keys', 'generate', '--json']);
  t.is(result.code, 64);
  t.is((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'FC_ERR_USAGE');
});

test('a command group without its subcommand prints its help and exits 64', async (t) => {
  const result = await runCli(['registry']);
  t.is(result.code, 64);
  t.regex(result.stderr, /^Usage: fleetcast registry\b/m);
});
