import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FleetcastError } from './errors/fleetcast-error.js';

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const UNSAFE_PATH_CHARS = /[/\\\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `value` cannot be one file or directory name, or null when it can (issue #9 finding 2):
 * it must be non-empty, must not start with a dot (`.`, `..`, hidden names) and must hold no
 * separator (`/`, `\`) and no control character. Ids (protocols/ids.ts) obey this and more.
 */
export function pathPartProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.startsWith('.')) return 'must not start with a dot (., .. and hidden names)';
  if (UNSAFE_PATH_CHARS.test(value)) return 'must not contain /, \\ or control characters';
  return null;
}

/**
 * The one way a filesystem path is built from ids or stored names (issue #9 finding 2: a
 * deployment id `..` made the agent delete its whole model store). Resolves `parts` under
 * `root` and proves the result lies strictly below `root` — never `root` itself, never beside
 * or above it — or throws FC_ERR_PATH_OUTSIDE_ROOT. Parts may hold `/` (stored relative paths
 * such as `run-id/model.json`); empty parts, NUL and absolute parts are refused. The check is
 * lexical: symbolic links inside `root` are the owner's business, not an id's.
 */
export function resolveUnder(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const refuse = (why: string): never => {
    throw new FleetcastError('FC_ERR_PATH_OUTSIDE_ROOT', `${JSON.stringify(parts)} under ${base}: ${why}`, { root: base, parts });
  };
  if (parts.length === 0) refuse('no path parts');
  for (const part of parts) {
    if (typeof part !== 'string' || part.length === 0) refuse('empty part');
    if (part.includes('\u0000')) refuse('NUL in a part');
    if (isAbsolute(part)) refuse('absolute part');
  }
  const target = resolve(base, ...parts);
  const rel = relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) refuse('leaves the root');
  return target;
}
