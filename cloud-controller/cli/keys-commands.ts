import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { keyIdOf, parsePublicKeyPem } from '../../protocols/bundle/keys.js';
import type { FleetSigningKey } from '../deployments/signing-keys.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

interface KeySetAnswer {
  version: number;
  keys: FleetSigningKey[];
  sentTo?: string[];
}

function keysText(answer: KeySetAnswer): string {
  return [`fleet key set v${answer.version}`, ...answer.keys.map((key) => `  ${key.keyId}  ${key.status}  ${key.changedAt}`), ...(answer.sentTo ? [`sent to ${answer.sentTo.length} online device(s); the others get it when they reconnect`] : [])].join('\n');
}

/**
 * `fleetcast keys trust|retire|list` on the controller side (issue #11), beside the packager's
 * `keys generate`: trusting a key lets the registry accept bundles it signed (drop-in
 * `<dataDir>/trusted-keys/`) and distributes it, signed by the controller key, to every store.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.commands.find((command) => command.name() === 'keys') ?? program.command('keys').description('Signing keys');

  withApiOptions(withDataDirOptions(keys.command('trust').argument('<pub.pem>', 'public key of a bundle signer').description('Trust a bundle signing key on the controller and every enrolled store')))
    .action((path: string, options: ApiOptions) =>
      runCommand(options, async () => {
        const pem = await readFile(path, 'utf8').catch((error: unknown) => {
          throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path }, { cause: error });
        });
        const keyId = keyIdOf(parsePublicKeyPem(pem));
        const [{ TRUSTED_KEYS_DIR }, { loadControllerConfig }] = await Promise.all([import('../config/trusted-keys.js'), import('../config/load.js')]);
        const dir = join(loadControllerConfig({ configPath: options.config, dataDir: options.dataDir }).dataDir, TRUSTED_KEYS_DIR);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, `${keyId}.pem`), pem);
        return { keyId, ...(await (await connectApi(options)).call<KeySetAnswer>('POST', '/v1/signing-keys', { publicKeyPem: pem })) };
      }, (r) => `trusted ${r.keyId}\n${keysText(r)}`));

  withApiOptions(withDataDirOptions(keys.command('retire').argument('<keyId>').description('Stop trusting a signing key on every enrolled store')))
    .action((keyId: string, options: ApiOptions) =>
      runCommand(options, async () => (await connectApi(options)).call<KeySetAnswer>('POST', `/v1/signing-keys/${encodeURIComponent(keyId)}/retire`), keysText));

  withApiOptions(withDataDirOptions(keys.command('list').description('The fleet signing-key set')))
    .action((options: ApiOptions) => runCommand(options, async () => (await connectApi(options)).call<KeySetAnswer>('GET', '/v1/signing-keys'), keysText));
}
