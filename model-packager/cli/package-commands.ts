import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { runCommand, type CommonOptions } from '../../protocols/runtime/command.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import type { AssembledBundle } from '../package/assemble-bundle.js';
import type { BundleInspection } from '../package/inspect-bundle.js';
import { DEFAULT_RUNS_DB } from '../tracking/defaults.js';

/** Largest bundle `package` writes by default: store links are slow and agents keep two versions. */
const DEFAULT_MAX_BUNDLE_BYTES = 2 * 1024 * 1024;

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInt(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', `${flag} must be a positive integer`, { flag });
  return parsed;
}

interface PackageOptions extends CommonOptions {
  run?: string;
  runsDb?: string;
  onnx?: string;
  inputSchema?: string;
  reference?: string;
  quantize?: string;
  maxWapeIncrease?: string;
  key: string;
  out: string;
  name?: string;
  version?: string;
  minAgentVersion?: string;
  maxBytes?: string;
  allowWorseThanBaseline?: boolean;
}

/** `fleetcast package`: a tracked run or a brought-in ONNX file → signed bundle. */
async function packageAction(options: PackageOptions): Promise<Record<string, unknown>> {
  if (Boolean(options.run) === Boolean(options.onnx)) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'give exactly one of --run or --onnx');
  if (options.quantize !== undefined && options.quantize !== 'int8') throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', '--quantize takes only int8');
  // Modules load when the command runs, so `--help` stays fast (issue #9).
  const { readSigningKey } = await import('../package/signing-keys.js');
  // A run that loses to a baseline is refused before anything is read or built (issue #10).
  if (options.run) {
    const { assertBeatsBaselines, getRun } = await import('../tracking/index.js');
    assertBeatsBaselines(options.run, getRun(options.run, options.runsDb ?? DEFAULT_RUNS_DB).metrics, Boolean(options.allowWorseThanBaseline));
  }
  const { privateKey } = await readSigningKey(options.key);
  const progress = createProgress({ json: Boolean(options.json) });
  const version = options.version === undefined ? undefined : positiveInt(options.version, '--version');
  let built: AssembledBundle;
  if (options.onnx) {
    if (!options.inputSchema || !options.reference) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', '--onnx needs --input-schema and --reference');
    if (!options.name) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', '--onnx needs --name');
    const { packageExternal } = await import('../package/package-external.js');
    built = await packageExternal({ onnxPath: options.onnx, inputSchemaPath: options.inputSchema, referenceCsvPath: options.reference, name: options.name, version: version ?? 1, privateKey, minAgentVersion: options.minAgentVersion, progress });
  } else {
    const maxRelativeIncrease = options.maxWapeIncrease === undefined ? undefined : Number(options.maxWapeIncrease);
    if (maxRelativeIncrease !== undefined && !(maxRelativeIncrease >= 0)) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', '--max-wape-increase must be a fraction ≥ 0');
    const { packageRun } = await import('../package/package-run.js');
    built = await packageRun({
      runId: options.run!,
      runsDb: options.runsDb,
      name: options.name,
      version,
      quantize: options.quantize === 'int8' ? { maxRelativeIncrease } : null,
      privateKey,
      minAgentVersion: options.minAgentVersion,
      progress,
    });
  }
  const maxBytes = options.maxBytes === undefined ? DEFAULT_MAX_BUNDLE_BYTES : positiveInt(options.maxBytes, '--max-bytes');
  if (built.bytes.length > maxBytes) throw new FleetcastError('FC_ERR_BUNDLE_TOO_LARGE', `${built.bytes.length} bytes > ${maxBytes}`, { sizeBytes: built.bytes.length, maxBytes });
  try {
    await writeFile(options.out, built.bytes);
  } catch (error) {
    throw new FleetcastError('FC_ERR_PACKAGE_OUTPUT_FAILED', options.out, { path: options.out }, { cause: error });
  }
  return { ok: true, path: options.out, sizeBytes: built.bytes.length, sha256: built.sha256, manifest: built.manifest, parity: built.parity };
}

/** `fleetcast package`, `bundle inspect|verify`, `keys generate` (issue #4). */
export function registerPackageCommands(program: Command): void {
  program
    .command('package')
    .description('Export a run to ONNX, quantize, and write a signed bundle')
    .option('--run <id>', 'tracked training run to package')
    .option('--runs-db <path>', 'run store (default: the tracking default)')
    .option('--onnx <file>', 'bring your own model: an ONNX file trained elsewhere')
    .option('--input-schema <file>', 'with --onnx: JSON naming input/output, feature order, feature spec')
    .option('--reference <csv>', 'with --onnx: reference rows (feature columns, optional target) for golden samples and the drift profile')
    .option('--quantize <scheme>', 'int8: also build an int8 MLP and ship it if it passes the WAPE gate')
    .option('--max-wape-increase <fraction>', 'int8 gate: allowed relative WAPE increase (default 0.01)')
    .requiredOption('--key <key.pem>', 'ed25519 private key (PKCS#8 PEM) to sign with')
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--name <name>', 'model name (default: from the run)')
    .option('--version <n>', 'model version (positive integer, default 1)')
    .option('--min-agent-version <semver>', 'lowest agent version allowed to run the bundle')
    .option('--max-bytes <n>', 'refuse bundles larger than this (default 2 MiB)')
    .option('--allow-worse-than-baseline', 'package a run whose holdout WAPE loses to seasonal naive or the 28-day moving average')
    .option('--json', 'print one JSON document')
    .action((options: PackageOptions) => runCommand(options, () => packageAction(options), (result) => `wrote ${String(result.path)} (${String(result.sizeBytes)} bytes, sha256 ${String(result.sha256)})`));

  const bundle = program.command('bundle').description('Inspect and verify model bundles');
  bundle
    .command('inspect <file>')
    .description('Show a bundle: model, metrics vs baseline, quantization decision, sizes, signer (does not verify)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, options: CommonOptions) => {
      const { inspectBundle, renderInspection } = await import('../package/inspect-bundle.js');
      await runCommand(options, () => inspectBundle(file), (report: BundleInspection) => renderInspection(report));
    });
  bundle
    .command('verify <file>')
    .description('Verify signature, signer, file hashes and version rules; exit status 0 only for a good bundle')
    .option('--trust <pubkey.pem>', 'trusted public key (repeat for several during key rotation)', collect, [])
    .option('--agent-version <semver>', 'check the bundle against this agent version')
    .option('--min-version <n>', 'lowest acceptable model version (a lower one is a downgrade)')
    .option('--model-name <name>', 'apply --min-version only to this model name (default: any)')
    .option('--allow-downgrade', 'accept a lower version (operator rollback)')
    .option('--json', 'print one JSON document')
    .action((file: string, options: CommonOptions & { trust: string[]; agentVersion?: string; minVersion?: string; modelName?: string; allowDowngrade?: boolean }) =>
      runCommand(options, async () => {
        const [{ loadTrustedKeys }, { verifyBundle }] = await Promise.all([import('../package/trust-files.js'), import('../../protocols/bundle/verify-bundle.js')]);
        const trustedKeys = await loadTrustedKeys(options.trust);
        const floor = options.minVersion === undefined ? undefined : positiveInt(options.minVersion, '--min-version');
        const verified = await verifyBundle(file, {
          trustedKeys,
          agentVersion: options.agentVersion,
          allowDowngrade: options.allowDowngrade,
          minVersion: floor === undefined ? undefined : { name: options.modelName, version: floor },
        });
        return { ok: true, model: verified.manifest.model, signer: verified.manifest.signer, sizeBytes: verified.sizeBytes, files: verified.manifest.files.map((f) => f.path) };
      }, (result) => `OK ${result.model.name} v${result.model.version} signed by ${result.signer.keyId} (${result.files.join(', ')})`));

  const keys = program.command('keys').description('Generate ed25519 signing keys');
  keys
    .command('generate')
    .description('Write <prefix>.key.pem (private, mode 600) and <prefix>.pub.pem')
    .requiredOption('--out <prefix>', 'path prefix of the key files')
    .option('--json', 'print one JSON document')
    .action((options: CommonOptions & { out: string }) => runCommand(options, async () => (await import('../package/signing-keys.js')).writeSigningKey(options.out), (r) => `key ${r.keyId}\n  private ${r.privateKeyPath}\n  public  ${r.publicKeyPath}`));
}
