import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';

let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-data-garbage-'));
});

const header = 'date,store,item,units\n';
const cases: { name: string; content: string | Buffer; code: string; exit: number; args?: string[] }[] = [
  { name: 'binary bytes', content: Buffer.concat([Buffer.from('date,store'), randomBytes(4096), Buffer.from([0, 0, 0])]), code: 'FC_ERR_DATA_BINARY', exit: 65 },
  { name: 'invalid UTF-8 without NUL', content: Buffer.from([0xff, 0xfe, 0x41, 0x2c, 0xc3, 0x28, 0x0a]), code: 'FC_ERR_DATA_BINARY', exit: 65 },
  { name: 'ragged rows', content: `${header}2023-01-01,S1,I1,3\n2023-01-02,S1,I1\n`, code: 'FC_ERR_DATA_RAGGED_ROWS', exit: 65 },
  { name: 'empty file', content: '', code: 'FC_ERR_DATA_EMPTY_FILE', exit: 65 },
  { name: 'blank lines only', content: '\n\n  \n', code: 'FC_ERR_DATA_EMPTY_FILE', exit: 65 },
  { name: 'header only', content: header, code: 'FC_ERR_DATA_NO_ROWS', exit: 65 },
  { name: 'unparseable date column', content: `${header}soon,S1,I1,3\nlater,S1,I1,4\n`, code: 'FC_ERR_DATA_DATE_FORMAT', exit: 65 },
  { name: 'unclosed quote', content: `${header}2023-01-01,"S1,I1,3\n`, code: 'FC_ERR_DATA_CSV_MALFORMED', exit: 65 },
  { name: 'duplicate header', content: 'date,store,item,units,units\n2023-01-01,S1,I1,3,3\n', code: 'FC_ERR_DATA_DUPLICATE_HEADER', exit: 65 },
  { name: 'bad --map', content: `${header}2023-01-01,S1,I1,3\n`, code: 'FC_ERR_DATA_MAPPING_INVALID', exit: 64, args: ['--map', 'colour=Hue'] },
  { name: 'bad --threshold', content: `${header}2023-01-01,S1,I1,3\n`, code: 'FC_ERR_DATA_THRESHOLD_INVALID', exit: 64, args: ['--threshold', 'maxZeroShare=2'] },
  { name: 'bad --granularity', content: `${header}2023-01-01,S1,I1,3\n`, code: 'FC_ERR_USAGE', exit: 64, args: ['--granularity', 'weekly'] },
];

for (const entry of cases) {
  test(`data validate: ${entry.name} → ${entry.code}, exit ${entry.exit}, no stack trace`, async (t) => {
    const path = join(dir, `${entry.name.replace(/\W+/g, '-')}.csv`);
    await writeFile(path, entry.content);
    const text = await runCli(['data', 'validate', path, ...(entry.args ?? [])]);
    t.is(text.code, entry.exit);
    t.regex(text.stderr, new RegExp(`^error ${entry.code}: `, 'm'));
    t.notRegex(text.stderr, /\n\s+at /);
    t.is(text.stdout, '');
    const json = await runCli(['data', 'validate', path, '--json', ...(entry.args ?? [])]);
    t.is(json.code, entry.exit);
    t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, entry.code);
  });
}

test('data validate: a missing file → FC_ERR_FILE_NOT_FOUND, exit 66', async (t) => {
  const result = await runCli(['data', 'validate', join(dir, 'nope.csv')]);
  t.is(result.code, 66);
  t.regex(result.stderr, /^error FC_ERR_FILE_NOT_FOUND: /m);
  t.notRegex(result.stderr, /\n\s+at /);
});

test('data generate: invalid options → FC_ERR_DATA_GENERATOR_OPTIONS, exit 64', async (t) => {
  for (const args of [['--stores', 'many', '--items', '2', '--days', '2', '--seed', '1', '--out', join(dir, 'x.csv')], ['--stores', '2', '--items', '2', '--days', '2', '--seed', '1', '--out', join(dir, 'x.csv'), '--drift', 'demand-level']]) {
    const result = await runCli(['data', 'generate', ...args]);
    t.is(result.code, 64);
    t.regex(result.stderr, /^error FC_ERR_DATA_GENERATOR_OPTIONS: /m);
    t.notRegex(result.stderr, /\n\s+at /);
  }
});

test('data generate: an unwritable output → FC_ERR_DATA_WRITE_FAILED, exit 73', async (t) => {
  const result = await runCli(['data', 'generate', '--stores', '1', '--items', '1', '--days', '1', '--seed', '1', '--out', join(dir, 'no-such-dir', 'x.csv')]);
  t.is(result.code, 73);
  t.regex(result.stderr, /^error FC_ERR_DATA_WRITE_FAILED: /m);
});
