import test from 'ava';
import { join, resolve } from 'node:path';
import { resolveUnder } from '../../protocols/paths.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

const root = resolve('/data/agent/models/staging');

test('parts that stay strictly below the root resolve there, including nested stored paths', (t) => {
  t.is(resolveUnder(root, 'dep-1'), join(root, 'dep-1'));
  t.is(resolveUnder(root, 'run-1/model.json'), join(root, 'run-1', 'model.json'));
  t.is(resolveUnder(root, 'a', 'b..c'), join(root, 'a', 'b..c'));
  t.is(resolveUnder(`${root}/`, 'x'), join(root, 'x'));
});

const escapes: Array<[string, string[]]> = [
  ['the root itself (.)', ['.']],
  ['the parent (..)', ['..']],
  ['a sibling (../x)', ['../x']],
  ['a sibling sharing the prefix (../staging-evil)', ['../staging-evil']],
  ['back through a nested part', ['a', '../../b']],
  ['an absolute part', ['/etc/passwd']],
  ['an empty part', ['']],
  ['a NUL byte', ['a\u0000b']],
  ['no parts at all', []],
];

for (const [what, parts] of escapes) {
  test(`resolveUnder refuses ${what} with FC_ERR_PATH_OUTSIDE_ROOT`, (t) => {
    t.is(t.throws(() => resolveUnder(root, ...parts), { instanceOf: FleetcastError })?.code, 'FC_ERR_PATH_OUTSIDE_ROOT');
  });
}
