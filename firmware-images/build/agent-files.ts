import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * Module specifiers in compiled ESM: static and dynamic imports, re-exports, worker scripts
 * (`new URL('./x.js', import.meta.url)`) and `createRequire(import.meta.url)('pkg')`.
 */
const SPECIFIER_PATTERNS = [
  /\bfrom\s*['"]([^'"\s]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"\s]+)['"]\s*\)/g,
  /\bimport\s*['"]([^'"\s]+)['"]/g,
  /new URL\(\s*['"](\.[^'"\s]+)['"]\s*,\s*import\.meta\.url/g,
  /createRequire\([^)]*\)\(\s*['"]([^'"\s]+)['"]\s*\)/g,
];

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** What the agent entry reaches: compiled files (relative to the dist root) and npm packages it imports. */
export interface AgentFiles {
  distFiles: string[];
  packages: string[];
}

/**
 * Walks the compiled agent from its entry through every relative import (issue #16: the image
 * holds only the dist files the agent runs — no packager, no controller, no tests) and collects
 * the bare package names it imports. A relative import that does not resolve to a file is a
 * broken build and refused; comments cannot add files because only resolvable paths are followed.
 */
export async function collectAgentFiles(distRoot: string, entries: readonly string[]): Promise<AgentFiles> {
  const root = resolve(distRoot);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => resolve(root, entry));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    if (!file.startsWith(root + sep)) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${file} lies outside ${root}`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${relative(root, file)} (run \`npm run build\` first)`, { path: file }, { cause: error });
    }
    seen.add(file);
    for (const pattern of SPECIFIER_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const specifier = match[1];
        if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
        else if (!specifier.startsWith('node:') && !isBuiltin(specifier)) packages.add(packageName(specifier));
      }
    }
  }
  return { distFiles: [...seen].map((file) => relative(root, file).split(sep).join('/')).sort(), packages: [...packages].sort() };
}

/** Joins a `/`-separated image path onto a directory. */
export function onDisk(dir: string, imagePath: string): string {
  return join(dir, ...imagePath.split('/'));
}
