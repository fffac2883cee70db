import type { Command } from 'commander';

/** Command groups owned by the model packager: data, train, runs, package, bundle, keys. */
export function registerPackagerCommands(program: Command): void {
  program.command('data').description('Generate and validate sales data');
  program.command('train').description('Train, tune and evaluate a forecasting model (tracked as a run)');
  program.command('runs').description('List, show and compare tracked training runs');
  program.command('package').description('Export a run to ONNX, quantize, and write a signed bundle');
  program.command('bundle').description('Inspect and verify model bundles');
  program.command('keys').description('Generate ed25519 signing keys');
}
