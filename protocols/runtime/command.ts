import { exitCodeFor } from '../errors/catalog.js';
import { toFleetcastError } from '../errors/fleetcast-error.js';

/** Options every command accepts. */
export interface CommonOptions {
  /** Print one JSON document on stdout instead of human text. */
  json?: boolean;
}

/**
 * Runs a command action: prints its result as JSON (`--json`) or as text, and turns any
 * failure into a coded error line and the catalog's exit status, never a stack trace
 * (issue #3, "garbage input gives a coded error and no stack trace").
 */
export async function runCommand<T>(
  options: CommonOptions,
  action: () => Promise<T> | T,
  render: (result: T) => string,
): Promise<void> {
  try {
    const result = await action();
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const text = render(result);
      if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  } catch (error) {
    reportFailure(options, error);
  }
}

/**
 * Prints a failure the way every command does (a JSON document with `--json`, else one
 * `error FC_ERR_…` line on stderr) and sets the catalog's exit status. Usage errors found by
 * commander go through here too, so they exit 64 like ours (issue #11).
 */
export function reportFailure(options: CommonOptions, error: unknown): void {
  const coded = toFleetcastError(error);
  if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, error: coded.toJSON() }, null, 2)}\n`);
  else process.stderr.write(`error ${coded.code}: ${coded.message}\n`);
  process.exitCode = exitCodeFor(coded.code);
}
