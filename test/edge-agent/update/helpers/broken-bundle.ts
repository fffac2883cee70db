import { createHash, type KeyObject } from 'node:crypto';
import { readBundle } from '../../../../protocols/bundle/read-bundle.js';
import { canonicalJson } from '../../../../protocols/bundle/canonical-json.js';
import { MANIFEST_FILE, SIGNATURE_FILE, signManifest } from '../../../../protocols/bundle/signature.js';
import { GOLDEN_FILE } from '../../../../protocols/bundle/golden.js';
import { packTar } from '../../../../model-packager/package/write-bundle.js';

/**
 * A correctly signed bundle whose golden samples disagree with its model (every expected
 * output + 1000): it passes verification and fails staging with FC_ERR_UPDATE_GOLDEN_FAILED —
 * the "signed but broken model" case that must roll back. With `graph` `modelInt8` only the
 * int8 expectations are off (an int8 kernel that differs here; fp32 must serve, issue #10).
 */
export async function withWrongGoldenOutputs(bytes: Buffer, key: KeyObject, graph: 'model' | 'modelInt8' = 'model'): Promise<Buffer> {
  const { files } = await readBundle(bytes);
  const golden = JSON.parse(files.get(GOLDEN_FILE)!.toString('utf8')) as { expected: Record<'model' | 'modelInt8', number[]> };
  golden.expected[graph] = golden.expected[graph].map((value) => value + 1000);
  const goldenBytes = Buffer.from(JSON.stringify(golden), 'utf8');
  const manifest = JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as { files: Array<{ path: string; size: number; sha256: string }> };
  const entry = manifest.files.find((file) => file.path === GOLDEN_FILE)!;
  entry.size = goldenBytes.length;
  entry.sha256 = createHash('sha256').update(goldenBytes).digest('hex');
  files.set(GOLDEN_FILE, goldenBytes);
  files.set(MANIFEST_FILE, Buffer.from(canonicalJson(manifest), 'utf8'));
  files.set(SIGNATURE_FILE, signManifest(manifest, key));
  return packTar([...files].map(([name, content]) => ({ name, bytes: content })));
}
