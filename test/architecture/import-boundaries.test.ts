import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** Every .ts source file below `folder` (relative to the repository root). */
function sourceFiles(folder: string): string[] {
  const root = join(repoRoot, folder);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(root);
  return out;
}

/** Static imports, re-exports, dynamic imports and requires of a file. */
function importSpecifiers(source: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"`]([^'"`]+)['"`]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]/g];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]));
}

/** Top-level folder a relative import lands in, or null for a package import. */
function targetFolder(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(repoRoot, resolve(dirname(file), specifier));
  return target.split(sep)[0];
}

function violations(folder: string, allowed: string[]): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(folder)) {
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      const target = targetFolder(file, specifier);
      if (target !== null && !allowed.includes(target)) found.push(`${relative(repoRoot, file)} imports ${specifier}`);
    }
  }
  return found;
}

test('protocols/ imports nothing from the other folders', (t) => {
  t.true(sourceFiles('protocols').length > 10);
  t.deepEqual(violations('protocols', ['protocols']), []);
});

test('edge-agent/ imports only itself and protocols/ (never cloud-controller/ or model-packager/)', (t) => {
  t.true(sourceFiles('edge-agent').length > 0);
  t.deepEqual(violations('edge-agent', ['edge-agent', 'protocols']), []);
});

test('the checker sees a violation when there is one', (t) => {
  const file = join(repoRoot, 'edge-agent', 'x.ts');
  t.is(targetFolder(file, '../cloud-controller/registry/index.js'), 'cloud-controller');
  t.is(targetFolder(file, './scorer.js'), 'edge-agent');
  t.is(targetFolder(file, 'onnxruntime-node'), null);
  t.deepEqual(importSpecifiers(`import a from '../m/a.js';\nexport * from "./b.js";\nconst c = await import('../c.js');\nimport './side.js';`), ['../m/a.js', './b.js', '../c.js', './side.js']);
});
