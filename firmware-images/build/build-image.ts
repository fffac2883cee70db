import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { canonicalJson } from '../../protocols/bundle/canonical-json.js';
import { keyIdOf } from '../../protocols/bundle/keys.js';
import { MANIFEST_FILE, SIGNATURE_FILE, signManifest } from '../../protocols/bundle/signature.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { imageManifestSchema, imagePathSchema, type ImageManifest } from '../../protocols/images/image-manifest.js';
import { MAX_IMAGE_BYTES } from '../../protocols/images/verify-image.js';
import type { HardwareProfile } from '../../protocols/images/profile.js';
import { silentProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import { collectAgentFiles, onDisk } from './agent-files.js';
import { collectDependencies } from './dependencies.js';
import { IMAGE_BOOT_CHECK, IMAGE_DEFAULT_CONFIG, IMAGE_ENTRY, IMAGE_UNIT, defaultConfig, systemdUnit } from './service-files.js';

/** Inputs of `fleetcast image build`. */
export interface BuildImageOptions {
  profile: HardwareProfile;
  /** `major.minor.patch`: stamped into the agent, which reports it in its birth message. */
  version: string;
  /** The checkout holding `dist/` (built) and `package.json`. */
  repoRoot: string;
  /** A directory holding `node_modules` installed for the profile's architecture (cross builds). */
  prebuiltDeps?: string;
  progress?: ProgressReporter;
}

/** An image before signing: what it will hold, path → bytes. Tests edit it to build a broken release. */
export interface StagedImage {
  manifest: Omit<ImageManifest, 'files' | 'signer'>;
  files: Map<string, Buffer>;
}

/** Compiled files the agent starts from: its entry and the boot check the installer places beside the slots. */
const AGENT_ENTRIES = ['edge-agent/self-update/agent-main.js', 'edge-agent/self-update/boot-check.js'];
const VERSION_MODULE = 'dist/protocols/version.js';
const VERSION_LITERAL = /agentVersion: '\d+\.\d+\.\d+'/g;

/** Stamps the image version into the compiled agent, like a linker flag: one literal, or the build is refused. */
function stampVersion(source: Buffer, version: string): Buffer {
  const text = source.toString('utf8');
  const found = text.match(VERSION_LITERAL) ?? [];
  if (found.length !== 1) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${VERSION_MODULE} holds ${found.length} agentVersion literals, expected 1`);
  return Buffer.from(text.replace(VERSION_LITERAL, `agentVersion: '${version}'`), 'utf8');
}

async function productionDependencies(repoRoot: string): Promise<Set<string>> {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return new Set(Object.keys(manifest.dependencies ?? {}));
}

/**
 * Gathers an image (issue #16): the compiled agent reachable from its entry, the production
 * dependencies it imports (for the profile's architecture; native modules from this host, or
 * from `prebuiltDeps` for another one), a systemd unit, a default config and the package.json
 * that makes the slot an ES module package.
 */
export async function stageImage(options: BuildImageOptions): Promise<StagedImage> {
  const { profile, version, repoRoot } = options;
  const progress = options.progress ?? silentProgress;
  if (profile.arch !== process.arch && !options.prebuiltDeps) {
    throw new FleetcastError('FC_ERR_IMAGE_ARCH_MISMATCH', `profile ${profile.id} is ${profile.arch}, this host is ${process.arch}; pass --prebuilt-deps <dir with node_modules for ${profile.arch}>`, { target: profile.arch, host: process.arch });
  }
  const agent = await collectAgentFiles(join(repoRoot, 'dist'), AGENT_ENTRIES);
  const allowed = await productionDependencies(repoRoot);
  const stray = agent.packages.filter((name) => !allowed.has(name));
  if (stray.length > 0) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `the agent imports ${stray.join(', ')}, which package.json does not list as production dependencies`, { packages: stray });
  const deps = await collectDependencies(agent.packages, options.prebuiltDeps ?? repoRoot, profile.arch);
  const sources = new Map<string, string>([
    ...agent.distFiles.map((path): [string, string] => [`dist/${path}`, onDisk(join(repoRoot, 'dist'), path)]),
    ...deps.files,
  ]);
  const files = new Map<string, Buffer>();
  progress.start(sources.size, 'image');
  for (const [path, source] of sources) {
    if (!imagePathSchema.safeParse(path).success) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${path} is not a plain relative path`, { path });
    const bytes = await readFile(source);
    files.set(path, bytes);
    progress.update(files.size, { file: path.length > 40 ? `…${path.slice(-39)}` : path });
  }
  progress.stop();
  files.set(IMAGE_UNIT, Buffer.from(systemdUnit(profile)));
  files.set(IMAGE_DEFAULT_CONFIG, Buffer.from(`${JSON.stringify(defaultConfig(profile), null, 2)}\n`));
  if (!files.has(IMAGE_BOOT_CHECK)) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${IMAGE_BOOT_CHECK} missing`);
  return withVersion({
    manifest: { formatVersion: 1, kind: 'agent-image', version, profile, createdAt: new Date().toISOString(), entry: IMAGE_ENTRY, nodeAbi: process.versions.modules },
    files,
  }, version);
}

/**
 * The same staged image carrying another version: the stamp in the compiled agent, the slot's
 * package.json and the entry script. Builds that differ only in version reuse one staging.
 */
export function withVersion(staged: StagedImage, version: string): StagedImage {
  const files = new Map(staged.files);
  const module = files.get(VERSION_MODULE);
  if (!module) throw new FleetcastError('FC_ERR_IMAGE_BUILD_INPUT', `${VERSION_MODULE} missing`);
  files.set(VERSION_MODULE, stampVersion(module, version));
  files.set('package.json', Buffer.from(`${JSON.stringify({ name: 'fleetcast-agent', version, private: true, type: 'module' }, null, 2)}\n`));
  files.set(IMAGE_ENTRY, Buffer.from(`#!/usr/bin/env node\n// fleetcast agent ${version} for ${staged.manifest.profile.id}.\nimport '../dist/edge-agent/self-update/agent-main.js';\n`));
  return { manifest: { ...staged.manifest, version }, files };
}

/** A signed image on disk. */
export interface WrittenImage {
  manifest: ImageManifest;
  sha256: string;
  sizeBytes: number;
}

/** Fixed entry metadata so that the same inputs give byte-identical archives apart from `createdAt`. */
const EPOCH = new Date(0);

/**
 * Lists every file with its size and sha256, signs the canonical manifest with ed25519 (the
 * model bundles' signature code) and streams the tar to `outPath`: manifest first, signature
 * last — the layout `verifyImage` and `readBundle` read. Refuses an image larger than half the
 * profile's disk budget (two slots must fit) or the reader's cap.
 */
export async function writeImage(staged: StagedImage, privateKey: KeyObject, outPath: string): Promise<WrittenImage> {
  const listed = [...staged.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest = imageManifestSchema.parse({
    ...staged.manifest,
    files: listed.map(([path, bytes]) => ({ path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })),
    signer: { keyId: keyIdOf(createPublicKey(privateKey)) },
  });
  const payloadBytes = listed.reduce((sum, [, bytes]) => sum + bytes.length, 0);
  const limit = Math.min(MAX_IMAGE_BYTES, Math.floor(manifest.profile.diskBudgetBytes / 2));
  if (payloadBytes > limit) throw new FleetcastError('FC_ERR_IMAGE_TOO_LARGE', `${payloadBytes} bytes > ${limit}`, { sizeBytes: payloadBytes, limit });
  const archive = pack();
  const hash = createHash('sha256');
  let sizeBytes = 0;
  archive.on('data', (chunk: unknown) => {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  });
  const written = pipeline(archive, createWriteStream(outPath));
  const entry = (name: string, bytes: Buffer): void => void archive.entry({ name, mtime: EPOCH, mode: 0o644, uid: 0, gid: 0 }, bytes);
  entry(MANIFEST_FILE, Buffer.from(canonicalJson(manifest), 'utf8'));
  for (const [path, bytes] of listed) entry(path, bytes);
  entry(SIGNATURE_FILE, signManifest(manifest, privateKey));
  archive.finalize();
  await written;
  return { manifest, sha256: hash.digest('hex'), sizeBytes };
}
