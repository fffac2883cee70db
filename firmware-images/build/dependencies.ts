import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** Files no running agent reads: sources, type declarations, source maps, docs and tests. */
const SKIPPED_FILE = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|(?<!\.d)\.ts|\.tsbuildinfo|\.gyp|\.gypi|\.cc|\.cpp|\.c|\.h|\.hpp)$/i;
const SKIPPED_DIR = new Set(['node_modules', 'test', 'tests', '__tests__', 'fixture', 'fixtures', 'docs', 'doc', 'example', 'examples', '.github', 'benchmark', 'benchmarks']);
/** Of a native addon (one with `binding.gyp`), its C/C++ sources and vendored libraries. */
const NATIVE_SOURCE_DIR = new Set(['src', 'deps']);

/** The production dependencies of the image, as files to copy. */
export interface DependencyFiles {
  /** Path inside the image (`node_modules/…`) → file on disk. */
  files: Map<string, string>;
  /** Package directories included, relative to the dependency root. */
  packages: string[];
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Node's lookup: `<dir>/node_modules/<name>`, walking up to `root`. */
async function locate(name: string, fromDir: string, root: string): Promise<string | null> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (await exists(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return null;
  }
}

/**
 * Which files of a package a running agent needs. Native code: only the compiled `.node`
 * files of `build/Release`, and of onnxruntime only the binaries of the target platform and
 * architecture (issue #16: an x64 image carries no arm64, macOS or Windows libraries).
 */
function wanted(relativePath: string, arch: string, native: boolean): boolean {
  const parts = relativePath.split('/');
  // Dot files (.npmignore, .eslintrc, .nojekyll) are packaging and editor metadata.
  if (parts.some((part) => part.startsWith('.'))) return false;
  if (parts.slice(0, -1).some((part) => SKIPPED_DIR.has(part))) return false;
  if (native && NATIVE_SOURCE_DIR.has(parts[0])) return false;
  if (native && parts[0] === 'build') return parts[1] === 'Release' && parts.length === 3 && parts[2].endsWith('.node');
  const napi = parts.indexOf('napi-v6');
  if (napi >= 0 && parts[napi - 1] === 'bin') return parts[napi + 1] === 'linux' && parts[napi + 2] === arch;
  if (parts[0] === 'prebuilds') return parts[1] === `linux-${arch}`;
  return !SKIPPED_FILE.test(relativePath);
}

async function filesOf(dir: string, arch: string): Promise<string[]> {
  const native = await exists(join(dir, 'binding.gyp'));
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => wanted(path, arch, native))
    .sort();
}

/**
 * The production dependency closure of `packages` (issue #16): each package the agent imports,
 * then every `dependencies`/`optionalDependencies` entry of each, found the way Node finds them
 * from `depsRoot` (the directory holding `node_modules`: this checkout, or `--prebuilt-deps` for
 * another architecture). devDependencies are never followed. A missing required package is
 * refused with FC_ERR_IMAGE_BUILD_INPUT; a missing optional one is skipped as npm does.
 */
export async function collectDependencies(packages: readonly string[], depsRoot: string, arch: string): Promise<DependencyFiles> {
  const files = new Map<string, string>();
  const included = new Set<string>();
  const pending: Array<{ name: string; from: string; optional: boolean }> = packages.map((name) => ({ name, from: depsRoot, optional: false }));
  while (pending.length > 0) {
    const { name, from, optional } = pending.pop()!;
    const dir = await locate(name, from, depsRoot);
    if (!dir) {
      if (optional) continue;
      throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `dependency ${name} is not installed under ${depsRoot}`, { package: name });
    }
    const key = relative(depsRoot, dir).split(sep).join('/');
    if (included.has(key)) continue;
    included.add(key);
    for (const path of await filesOf(dir, arch)) files.set(`${key}/${path}`, join(dir, path));
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
    for (const dependency of Object.keys(manifest.dependencies ?? {})) pending.push({ name: dependency, from: dir, optional: false });
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) pending.push({ name: dependency, from: dir, optional: true });
  }
  return { files, packages: [...included].sort() };
}
