import type { Command } from 'commander';
import { registerCoreControllerCommands } from './core-commands.js';
import { registerBrokerCommands } from './broker-commands.js';
import { registerHistoryCommands } from './history-commands.js';
import { registerDeployCommands } from './deploy-commands.js';
import { registerStatusCommand } from './status-command.js';
import { registerKeyCommands } from './keys-commands.js';
import { registerDriftCommands } from './drift-commands.js';
import { registerAlertCommands } from './alert-commands.js';
import { registerRetrainCommand } from './retrain-command.js';
import { registerRolloutCommands } from './rollout-commands.js';
import { registerExperimentCommands } from './experiment-commands.js';

/** Command groups owned by the cloud controller. */
export function registerControllerCommands(program: Command): void {
  registerCoreControllerCommands(program);
  registerBrokerCommands(program);
  registerHistoryCommands(program);
  registerDeployCommands(program);
  registerStatusCommand(program);
  registerKeyCommands(program);
  registerDriftCommands(program);
  registerAlertCommands(program);
  registerRetrainCommand(program);
  registerRolloutCommands(program);
  registerExperimentCommands(program);
}
