import type { Command } from 'commander';

/** `fleetcast package`, `bundle inspect|verify`, `keys generate` (issue #4). */
export function registerPackageCommands(program: Command): void {
  program.command('package').description('Export a run to ONNX, quantize, and write a signed bundle');
  program.command('bundle').description('Inspect and verify model bundles');
  program.command('keys').description('Generate ed25519 signing keys');
}
