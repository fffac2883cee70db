import { Command } from 'commander';
import { reportFailure } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import { registerAgentCommands } from '../cli/register.js';

// The entry of an agent image (issue #16, `bin/fleetcast-agent.js`): only the `agent` command
// group, so the image carries the agent and nothing of the packager or the controller.
const program = new Command('fleetcast-agent')
  .description('fleetcast store agent (from an agent image)')
  .version(`fleetcast-agent ${PROTOCOL_VERSION.agentVersion} (protocol v${PROTOCOL_VERSION.wire})`)
  .enablePositionalOptions()
  .exitOverride()
  .configureOutput({ outputError: () => undefined });
registerAgentCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const exitCode = (error as { exitCode?: number }).exitCode;
  if (exitCode !== 0) reportFailure({ json: process.argv.includes('--json') }, error instanceof FleetcastError ? error : new FleetcastError('FC_ERR_USAGE', (error as Error).message));
}
