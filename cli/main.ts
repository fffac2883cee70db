import { CommanderError } from 'commander';
import { FleetcastError } from '../protocols/errors/fleetcast-error.js';
import { reportFailure } from '../protocols/runtime/command.js';
import { buildProgram } from './program.js';

/** Turns commander's exit requests into our exit statuses: help and version 0, usage errors 64. */
function reportCommanderExit(error: CommanderError, argv: string[]): void {
  if (error.exitCode === 0) return;
  if (error.code !== 'commander.help') {
    const hint = error.code === 'commander.unknownCommand' ? ' (fleetcast --help lists the commands)' : ' (add --help for usage)';
    reportFailure({ json: argv.includes('--json') }, new FleetcastError('FC_ERR_USAGE', `${error.message.replace(/^error: /, '')}${hint}`));
  } else reportFailure({ json: false }, new FleetcastError('FC_ERR_USAGE', 'choose a command (listed above)'));
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  reportCommanderExit(error, process.argv);
}
