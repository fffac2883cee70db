import test from 'ava';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { tamperVariants } from '../../helpers/bundle-tamper.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { deployCommand } from './helpers/commands.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { FakeController } from './helpers/fake-controller.js';
import { connectDeviceUplink } from './helpers/mqtt-uplink.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

const CHUNK = 4096;
const blob = { chunkBytes: CHUNK, chunkTimeoutMs: 1_500, maxAttemptsPerChunk: 4 };

async function setup(t: { teardown(fn: () => Promise<void> | void): void }, credentials?: { username: string; password: string }) {
  const dir = await tempDataDir('fc-download-');
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const bundle = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  const controller = await FakeController.start();
  const deviceId = `store-${Math.random().toString(36).slice(2, 8)}`;
  const uplink = await connectDeviceUplink(controller.url, deviceId);
  const engine = await openEngine(dir, trusted, { uplink, deviceId, blob, http: { syncEveryBytes: 2048, idleTimeoutMs: 3_000, maxAttempts: 4, credentials } });
  t.teardown(async () => {
    engine.close();
    await uplink.close();
    await controller.stop();
  });
  return { dir, trusted, bundle, controller, engine, deviceId };
}

test('blob transfer: a corrupted chunk and a dropped request are asked for again; the bundle commits', async (t) => {
  const { dir, trusted, bundle, controller, engine } = await setup(t);
  controller.offer(bundle.bytes);
  controller.faults = { corruptOnceAt: new Set([CHUNK]), dropOnceAt: new Set([2 * CHUNK]) };
  const outcome = await engine.manager.deploy(deployCommand('dep-blob-1', { name: 'demand', version: 2 }, bundle.bytes));
  t.is(outcome.state, 'committed');
  const offsets = controller.blobRequests.map((request) => request.offset);
  t.deepEqual(offsets, [0, CHUNK, CHUNK, 2 * CHUNK, 2 * CHUNK]);
  t.true(controller.blobRequests.every((request) => request.length <= CHUNK && request.transferId === 'dep-blob-1'));
  t.is(bundle.bytes.length, 10_240);
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
  const reported = await controller.waitForEvent((event) => event.to === 'committed');
  t.is(reported.deploymentId, 'dep-blob-1');
  t.deepEqual(controller.events.map((event) => event.to), ['downloading', 'verifying', 'staging', 'activating', 'committed']);
});

test('blob transfer: a controller that cannot serve the blob fails the deployment with FC_ERR_UPDATE_DOWNLOAD_FAILED', async (t) => {
  const { dir, bundle, controller, engine } = await setup(t);
  controller.offer(bundle.bytes);
  controller.faults = { dropOnceAt: new Set([0]) };
  const outcome = await engine.manager.deploy(deployCommand('dep-unknown', { name: 'demand', version: 2 }, Buffer.concat([bundle.bytes, Buffer.alloc(512)])));
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_DOWNLOAD_FAILED');
  t.is(outcome.active, null);
  t.is(controller.blobRequests.filter((request) => request.offset === 0).length, blob.maxAttemptsPerChunk);
  t.is(inspectAgentDb(dir).state, 'failed');
  const again = await engine.manager.deploy(deployCommand('dep-unknown', { name: 'demand', version: 2 }, bundle.bytes));
  t.is(again.state, 'failed', 'a repeated deploymentId answers with its recorded outcome');
});

/** A local HTTP server for the bundle that honours `Range` and can cut its first response. */
function bundleServer(bytes: Buffer, options: { cutFirstAfter?: number; ignoreRange?: boolean; authorization?: string }) {
  const ranges: Array<string | undefined> = [];
  let requests = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    ranges.push(request.headers.range);
    // As the controller's bundle route: HTTP Basic deviceId:secret or 401.
    if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="fleetcast devices"' }).end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = match && !options.ignoreRange ? Number(match[1]) : 0;
    const body = bytes.subarray(start);
    response.writeHead(match && !options.ignoreRange ? 206 : 200, {
      'content-length': String(body.length),
      ...(match && !options.ignoreRange ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (requests === 1 && options.cutFirstAfter !== undefined) {
      response.write(body.subarray(0, options.cutFirstAfter), () => setTimeout(() => response.socket?.destroy(), 50));
      return;
    }
    response.end(body);
  });
  return {
    ranges,
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.fcb`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('HTTP range download: a cut response resumes with Range from the persisted offset', async (t) => {
  const { dir, trusted, bundle, controller, engine } = await setup(t);
  const http = bundleServer(bundle.bytes, { cutFirstAfter: 5_000 });
  const url = await http.listen();
  t.teardown(http.close);
  const outcome = await engine.manager.deploy(deployCommand('dep-http-1', { name: 'demand', version: 2 }, bundle.bytes, url));
  t.is(outcome.state, 'committed', JSON.stringify(outcome));
  t.is(http.ranges.length, 2);
  t.is(http.ranges[0], undefined);
  // The 5,000 bytes that arrived were written, fsync'd and recorded before the retry.
  t.is(http.ranges[1], 'bytes=5000-');
  t.is(controller.blobRequests.length, 0);
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
});

test('HTTP server ignoring Range: the download starts over and still commits', async (t) => {
  const { dir, trusted, bundle, engine } = await setup(t);
  const http = bundleServer(bundle.bytes, { cutFirstAfter: 5_000, ignoreRange: true });
  const url = await http.listen();
  t.teardown(http.close);
  const outcome = await engine.manager.deploy(deployCommand('dep-http-2', { name: 'demand', version: 2 }, bundle.bytes, url));
  t.is(outcome.state, 'committed', JSON.stringify(outcome));
  t.deepEqual(http.ranges, [undefined, 'bytes=5000-']);
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
});

test('HTTP unreachable: falls back to the blob transfer', async (t) => {
  const { dir, trusted, bundle, controller, engine } = await setup(t);
  controller.offer(bundle.bytes);
  const http = bundleServer(bundle.bytes, {});
  const url = await http.listen();
  await http.close();
  const outcome = await engine.manager.deploy(deployCommand('dep-http-3', { name: 'demand', version: 2 }, bundle.bytes, url));
  t.is(outcome.state, 'committed');
  t.deepEqual(controller.blobRequests.map((request) => request.offset), [0, CHUNK, 2 * CHUNK]);
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
});

test('a download whose bytes differ from the command sha256 fails with FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH', async (t) => {
  const { dir, bundle, engine } = await setup(t);
  const other = await makeTestBundle({ dir, name: 'demand', version: 2, key: makeSigningKey() });
  const http = bundleServer(other.bytes, {});
  const url = await http.listen();
  t.teardown(http.close);
  const outcome = await engine.manager.deploy(deployCommand('dep-hash', { name: 'demand', version: 2 }, bundle.bytes, url));
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH');
  t.is(engine.store.active(), null);
  t.deepEqual(await engine.store.retained(), []);
});

test('tampered bundles deployed over the blob transfer fail with their code on evt; the active pointer does not move', async (t) => {
  const { dir, trusted, bundle, controller, engine } = await setup(t);
  const key = makeSigningKey();
  controller.offer(bundle.bytes);
  t.is((await engine.manager.deploy(deployCommand('dep-good', { name: 'demand', version: 2 }, bundle.bytes))).state, 'committed');
  const pointerBefore = await readFile(join(dir, 'models', 'active.json'), 'utf8');
  const variants = await tamperVariants(bundle.bytes, key.privateKey);
  for (const [index, variant] of variants.entries()) {
    controller.offer(variant.bytes);
    const deploymentId = `dep-tampered-${index}`;
    const outcome = await engine.manager.deploy(deployCommand(deploymentId, { name: 'demand', version: 2 }, variant.bytes));
    t.is(outcome.errorCode, variant.expectedCode, variant.name);
    const reported = await controller.waitForEvent((event) => event.deploymentId === deploymentId && event.to === 'failed');
    t.is(reported.from, 'verifying', variant.name);
    t.is(reported.errorCode, variant.expectedCode, variant.name);
    t.is(await readFile(join(dir, 'models', 'active.json'), 'utf8'), pointerBefore, variant.name);
  }
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
});

test('events of an offline install stay queued in SQLite and are published in order once an uplink exists', async (t) => {
  const dir = await tempDataDir('fc-events-');
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const bundle = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const offline = await openEngine(dir, trusted);
  const installed = await offline.manager.install(bundle.path);
  t.is((offline.db.prepare('SELECT COUNT(*) AS n FROM update_events').get() as { n: number }).n, 4);
  offline.close();

  const controller = await FakeController.start();
  const uplink = await connectDeviceUplink(controller.url, 'store-events');
  const online = await openEngine(dir, trusted, { uplink, deviceId: 'store-events' });
  t.teardown(async () => {
    online.close();
    await uplink.close();
    await controller.stop();
  });
  t.is(await online.manager.resume(), null);
  await controller.waitForEvent((event) => event.to === 'committed');
  await online.manager.flushEvents();
  t.deepEqual(controller.events.map((event) => `${event.from}>${event.to}`), ['idle>verifying', 'verifying>staging', 'staging>activating', 'activating>committed']);
  t.true(controller.events.every((event) => event.deploymentId === installed.deploymentId));
  t.is((online.db.prepare('SELECT COUNT(*) AS n FROM update_events').get() as { n: number }).n, 0);
});

test('HTTP download sends the device credential; a refused one (401) fails at once with FC_ERR_UPDATE_DOWNLOAD_REFUSED, without retries or blob fallback (issue #9)', async (t) => {
  const credentials = { username: 'store-http', password: 'device-secret-1' };
  const authorization = `Basic ${Buffer.from('store-http:device-secret-1').toString('base64')}`;

  const refused = await setup(t);
  refused.controller.offer(refused.bundle.bytes);
  const strict = bundleServer(refused.bundle.bytes, { authorization });
  const strictUrl = await strict.listen();
  t.teardown(strict.close);
  const outcome = await refused.engine.manager.deploy(deployCommand('dep-http-401', { name: 'demand', version: 2 }, refused.bundle.bytes, strictUrl));
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_DOWNLOAD_REFUSED');
  t.is(strict.ranges.length, 1, 'a refused credential is not retried');
  t.is(refused.controller.blobRequests.length, 0, 'no fallback hides the refusal');
  const reported = await refused.controller.waitForEvent((event) => event.to === 'failed');
  t.is(reported.errorCode, 'FC_ERR_UPDATE_DOWNLOAD_REFUSED');

  const accepted = await setup(t, credentials);
  const server = bundleServer(accepted.bundle.bytes, { authorization });
  const url = await server.listen();
  t.teardown(server.close);
  const committed = await accepted.engine.manager.deploy(deployCommand('dep-http-auth', { name: 'demand', version: 2 }, accepted.bundle.bytes, url));
  t.is(committed.state, 'committed');
  t.deepEqual(server.ranges, [undefined]);
  t.is(accepted.controller.blobRequests.length, 0);
});
