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
    const coded = toFleetcastError(error);
    if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, error: coded.toJSON() }, null, 2)}\n`);
    else process.stderr.write(`error ${coded.code}: ${coded.message}\n`);
    process.exitCode = exitCodeFor(coded.code);
  }
}
