import { Command } from 'commander';
import { registerPackagerCommands } from '../model-packager/cli/register.js';
import { registerControllerCommands } from '../cloud-controller/cli/register.js';
import { registerAgentCommands } from '../edge-agent/cli/register.js';
import { registerImageCommands } from '../firmware-images/cli/register.js';
import { PROTOCOL_VERSION } from '../protocols/version.js';
import { registerDemoCommand } from './demo/demo-command.js';
import { registerSeedHistoryCommand } from './seed-history-command.js';
import { applyLogPolicy, addVerboseOption } from './log-policy.js';

/**
 * The `fleetcast` binary. Each top-level folder registers the command groups it owns
 * (issue #2), so adding a capability never means editing another folder's commands.
 * Registration imports only commander definitions; every action loads its modules with
 * `import()` when it runs, so `--help` answers fast (issue #9, `bench/cli`).
 */
export function buildProgram(): Command {
  const program = new Command('fleetcast')
    .description('Sales-forecasting models on in-store hardware: train, package, sign, roll out over MQTT, serve offline.')
    .version(`fleetcast ${PROTOCOL_VERSION.agentVersion} (protocol v${PROTOCOL_VERSION.wire})`)
    .enablePositionalOptions()
    // Usage errors are thrown, not printed by commander, so they leave through reportFailure
    // like every other error: one coded line (or JSON) and exit 64 (issue #11). Subcommands
    // inherit both settings because they are made before any command is registered.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  registerPackagerCommands(program);
  registerControllerCommands(program);
  registerAgentCommands(program);
  // Lives in cli/: it reads CSV with the packager's ingest, which edge-agent/ may not import.
  const agent = program.commands.find((command) => command.name() === 'agent');
  if (agent) registerSeedHistoryCommand(agent);
  registerImageCommands(program);
  registerDemoCommand(program);
  addVerboseOption(program);
  program.hook('preAction', (_program, action) => applyLogPolicy(action));
  return program;
}
