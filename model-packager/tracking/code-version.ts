import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CodeVersion } from './run-record.js';

/** Repository root: this file runs from dist/model-packager/tracking/. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * package.json version and, when the code runs from a git checkout, the commit — recorded
 * with every run so a model can be traced to the code that trained it (issue #3).
 */
export function codeVersion(): CodeVersion {
  const packageVersion = (JSON.parse(readFileSync(new URL('package.json', `file://${repoRoot}`), 'utf8')) as { version: string }).version;
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    gitCommit = null; // not a checkout (installed package) or git missing
  }
  return { packageVersion, gitCommit };
}
