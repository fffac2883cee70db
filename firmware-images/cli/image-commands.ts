import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

interface BuildOptions {
  profile: string;
  version: string;
  key: string;
  out?: string;
  prebuiltDeps?: string;
  json?: boolean;
}

interface InstallOptions {
  root: string;
  image: string;
  trust: string[];
  config?: string;
  prefix?: string;
  node?: string;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `fleetcast image build|install` (issue #16); modules load when an action runs (issue #9). */
export function registerImageSubcommands(image: Command): void {
  image.command('build')
    .description('Build a signed agent image for a hardware profile: compiled agent, production dependencies for its architecture, systemd unit, default config')
    .requiredOption('--profile <id|file.json>', 'built-in profile (x86-64-mini-pc, arm64-pi, arm64-2gb) or a profile JSON file')
    .requiredOption('--version <x.y.z>', 'agent version the image carries and reports')
    .requiredOption('--key <file>', 'ed25519 private key PEM that signs the image (the bundle signing key)')
    .option('--out <file>', 'image file (default fleetcast-agent-<version>-<profile>.img)')
    .option('--prebuilt-deps <dir>', 'directory holding node_modules installed for the target architecture (cross builds)')
    .option('--json', 'print one JSON result')
    .action((options: BuildOptions) =>
      runCommand(options, async () => {
        if (!/^\d{1,6}\.\d{1,6}\.\d{1,6}$/.test(options.version)) throw new FleetcastError('FC_ERR_USAGE', `--version must be major.minor.patch, got ${options.version}`);
        const [{ loadProfile }, { stageImage, writeImage }, { readSigningKey }, { createProgress }] = await Promise.all([
          import('../profiles/load-profile.js'), import('../build/build-image.js'), import('../../model-packager/package/signing-keys.js'), import('../../protocols/runtime/progress.js'),
        ]);
        const profile = await loadProfile(options.profile);
        const { privateKey } = await readSigningKey(options.key);
        const out = resolve(options.out ?? `fleetcast-agent-${options.version}-${profile.id}.img`);
        const staged = await stageImage({ profile, version: options.version, repoRoot: fileURLToPath(new URL('../../../', import.meta.url)), prebuiltDeps: options.prebuiltDeps && resolve(options.prebuiltDeps), progress: createProgress({ json: Boolean(options.json) }) });
        const written = await writeImage(staged, privateKey, out);
        return { path: out, version: written.manifest.version, profile: profile.id, arch: profile.arch, files: written.manifest.files.length, sizeBytes: written.sizeBytes, sha256: written.sha256, keyId: written.manifest.signer.keyId };
      }, (result) => `image ${result.path}: agent ${result.version} for ${result.profile} (${result.arch}), ${result.files} files, ${mib(result.sizeBytes)}, sha256 ${result.sha256}`));

  image.command('install')
    .description('Verify an agent image and lay it out under a root: opt/fleetcast/slots/{a,b}, current, boot check, config and systemd unit')
    .requiredOption('--root <dir>', 'root file system to install into')
    .requiredOption('--image <file>', 'signed agent image')
    .option('--trust <file>', 'public key PEM trusted as image signer (repeatable)', collect, [])
    .option('--config <file>', 'the device config (fleetcast agent init) merged over the image defaults')
    .option('--prefix <dir>', 'where the root is mounted when the agent runs (default: --root)')
    .option('--node <path>', 'node binary the unit runs', '/usr/bin/node')
    .option('--json', 'print one JSON result')
    .action((options: InstallOptions) =>
      runCommand(options, async () => {
        const [{ installImage }, { loadTrustedKeys }, { readFile }] = await Promise.all([import('../install/install-image.js'), import('../../model-packager/package/trust-files.js'), import('node:fs/promises')]);
        const deviceConfig = options.config
          ? JSON.parse(await readFile(options.config, 'utf8').catch((error: unknown) => {
            throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', options.config!, { path: options.config }, { cause: error });
          })) as Record<string, unknown>
          : undefined;
        const root = resolve(options.root);
        return installImage({ root, imagePath: resolve(options.image), trustedKeys: await loadTrustedKeys(options.trust), deviceConfig, prefix: options.prefix && resolve(options.prefix), nodeBinary: options.node });
      }, (result) => `installed agent ${result.version} (${result.profile}) into slot ${result.slot} of ${result.installDir}; unit ${result.unitFile}`));
}
