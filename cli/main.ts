import { Command } from 'commander';
import { registerPackagerCommands } from '../model-packager/cli/register.js';
import { registerControllerCommands } from '../cloud-controller/cli/register.js';
import { registerAgentCommands } from '../edge-agent/cli/register.js';
import { registerImageCommands } from '../firmware-images/cli/register.js';
import { PROTOCOL_VERSION } from '../protocols/version.js';
import { registerDemoCommand } from './demo/demo-command.js';
import { registerSeedHistoryCommand } from './seed-history-command.js';

/**
 * The `fleetcast` binary. Each top-level folder registers the command groups it owns
 * (issue #2), so adding a capability never means editing another folder's commands.
 */
export function buildProgram(): Command {
  const program = new Command('fleetcast')
    .description('Sales-forecasting models on in-store hardware: train, package, sign, roll out over MQTT, serve offline.')
    .version(`fleetcast ${PROTOCOL_VERSION.agentVersion} (protocol v${PROTOCOL_VERSION.wire})`)
    .showHelpAfterError()
    .enablePositionalOptions();
  registerPackagerCommands(program);
  registerControllerCommands(program);
  registerAgentCommands(program);
  // Lives in cli/: it reads CSV with the packager's ingest, which edge-agent/ may not import.
  const agent = program.commands.find((command) => command.name() === 'agent');
  if (agent) registerSeedHistoryCommand(agent);
  registerImageCommands(program);
  registerDemoCommand(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
