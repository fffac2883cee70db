import '../broker/quiet-logs.js';
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { putArtifact } from '../../../cloud-controller/storage/artifacts.js';
import { registerBundleRoutes } from '../../../cloud-controller/distribution/http-routes.js';
import { artifactStoreLocator } from '../../../cloud-controller/distribution/bundle-locator.js';
import { createFleetFixture } from '../broker/fleet-fixture.js';

test('GET /v1/bundles/:sha256 serves HTTP ranges (206 exact bytes), device-authenticated', async (t) => {
  const fixture = createFleetFixture('fc-http-');
  const scratch = mkdtempSync(join(tmpdir(), 'fc-http-src-'));
  const app = Fastify();
  try {
    const bytes = randomBytes(100_000);
    writeFileSync(join(scratch, 'b.bin'), bytes);
    const { sha256 } = await putArtifact(fixture.dataDir, join(scratch, 'b.bin'));
    const secret = await fixture.enrol('dev-h1');
    registerBundleRoutes(app, { locate: artifactStoreLocator(fixture.dataDir), verifier: fixture.fleet });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${base}/v1/bundles/${sha256}`;
    const auth = { authorization: `Basic ${Buffer.from(`dev-h1:${secret}`).toString('base64')}` };

    const partial = await fetch(url, { headers: { ...auth, range: 'bytes=1000-65535' } });
    t.is(partial.status, 206);
    t.is(partial.headers.get('content-range'), 'bytes 1000-65535/100000');
    t.true(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(1000, 65536)));

    const tail = await fetch(url, { headers: { ...auth, range: 'bytes=99990-' } });
    t.is(tail.status, 206);
    t.true(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(99990)));

    const suffix = await fetch(url, { headers: { ...auth, range: 'bytes=-10' } });
    t.is(suffix.headers.get('content-range'), 'bytes 99990-99999/100000');
    t.true(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(99990)));

    const whole = await fetch(url, { headers: auth });
    t.is(whole.status, 200);
    t.is(whole.headers.get('accept-ranges'), 'bytes');
    t.true(Buffer.from(await whole.arrayBuffer()).equals(bytes));

    const outside = await fetch(url, { headers: { ...auth, range: 'bytes=100000-' } });
    t.is(outside.status, 416);
    t.is(((await outside.json()) as { error: { code: string } }).error.code, 'FC_ERR_BLOB_RANGE');

    const anonymous = await fetch(url, { headers: { range: 'bytes=0-9' } });
    t.is(anonymous.status, 401);
    t.is(((await anonymous.json()) as { error: { code: string } }).error.code, 'FC_ERR_UNAUTHENTICATED');

    await fixture.fleet.revokeDevice('dev-h1');
    t.is((await fetch(url, { headers: auth })).status, 401, 'revoked device refused');

    const secret2 = await fixture.enrol('dev-h2');
    const missing = await fetch(`${base}/v1/bundles/${'0'.repeat(64)}`, { headers: { authorization: `Basic ${Buffer.from(`dev-h2:${secret2}`).toString('base64')}` } });
    t.is(missing.status, 404);
    t.is(((await missing.json()) as { error: { code: string } }).error.code, 'FC_ERR_BLOB_NOT_FOUND');
  } finally {
    await app.close();
    fixture.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
});
