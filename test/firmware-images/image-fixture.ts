import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../firmware-images/profiles/load-profile.js';
import { stageImage, writeImage, type StagedImage, type WrittenImage } from '../../firmware-images/build/build-image.js';
import { makeSigningKey, type TestSigningKey } from '../helpers/bundle-fixtures.js';

/** The checkout (dist/ is built: the tests run from it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One built image on disk with its bytes. */
export interface BuiltImage extends WrittenImage {
  path: string;
  bytes: Buffer;
}

let shared: Promise<{ key: TestSigningKey; dir: string; v1: BuiltImage; staged: StagedImage }> | null = null;

export async function buildTestImage(staged: StagedImage, key: TestSigningKey, path: string): Promise<BuiltImage> {
  const written = await writeImage(staged, key.privateKey, path);
  return { ...written, path, bytes: await readFile(path) };
}

/**
 * One x86-64 image built per test file from this checkout (building takes seconds: the agent's
 * dist files and its production dependencies, onnxruntime's shared library most of it).
 */
export function sharedImage(): Promise<{ key: TestSigningKey; dir: string; v1: BuiltImage; staged: StagedImage }> {
  shared ??= (async () => {
    const key = makeSigningKey();
    const dir = mkdtempSync(join(tmpdir(), 'fc-img-'));
    const profile = await loadProfile('x86-64-mini-pc');
    const staged = await stageImage({ profile: { ...profile, arch: process.arch as 'x64' | 'arm64' }, version: '1.0.0', repoRoot: REPO_ROOT });
    return { key, dir, staged, v1: await buildTestImage(staged, key, join(dir, 'v1.img')) };
  })();
  return shared;
}
