import '../broker/quiet-logs.js';
import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { putArtifact } from '../../../cloud-controller/storage/artifacts.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { BLOB_MAX_CHUNK_BYTES, type BlobRequest } from '../../../protocols/messages/blob.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { messagesOn, startLinkHarness, waitForCount, type LinkHarness } from '../link/harness.js';

interface Reply {
  type: string;
  transferId: string;
  offset?: number;
  total?: number;
  data?: string;
  chunkSha256?: string;
  code?: string;
  requestId?: string;
}

function request(deviceId: string, transferId: string, sha256: string, offset: number): BlobRequest {
  return { ...envelope({ role: 'device', id: deviceId }), type: 'blob-request', transferId, sha256, offset, length: BLOB_MAX_CHUNK_BYTES };
}

async function storeBundle(harness: LinkHarness, size: number): Promise<{ sha256: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const source = join(harness.fixture.dataDir, `bundle-${size}.bin`);
  writeFileSync(source, bytes);
  const stored = await putArtifact(harness.fixture.dataDir, source);
  return { sha256: stored.sha256, bytes };
}

test('blob/req chunks reassemble to the exact bundle sha256', async (t) => {
  const harness = await startLinkHarness();
  try {
    const { sha256, bytes } = await storeBundle(harness, 200_000);
    const { client, inbox } = await harness.device('dev-b1');
    const chunks: Buffer[] = [];
    let offset = 0;
    let replies = 0;
    while (offset < bytes.length) {
      await client.publishAsync(deviceTopic('dev-b1', 'blob/req'), JSON.stringify(request('dev-b1', 'tr-1', sha256, offset)), { qos: 1 });
      replies += 1;
      await waitForCount(inbox, 'dev-b1', 'blob/res', replies);
      const reply = messagesOn<Reply>(inbox, 'dev-b1', 'blob/res')[replies - 1];
      t.is(reply.type, 'blob-chunk');
      t.is(reply.offset, offset);
      t.is(reply.total, 200_000);
      const data = Buffer.from(reply.data ?? '', 'base64');
      t.is(reply.chunkSha256, createHash('sha256').update(data).digest('hex'));
      chunks.push(data);
      offset += data.length;
    }
    t.is(replies, Math.ceil(200_000 / BLOB_MAX_CHUNK_BYTES));
    t.is(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'), sha256);
    t.is(harness.blobs.activeTransfers(), 0, 'a finished transfer no longer counts');

    // Unknown bundle and an offset past the end are coded error replies, not silence.
    await client.publishAsync(deviceTopic('dev-b1', 'blob/req'), JSON.stringify(request('dev-b1', 'tr-x', 'f'.repeat(64), 0)), { qos: 1 });
    await client.publishAsync(deviceTopic('dev-b1', 'blob/req'), JSON.stringify(request('dev-b1', 'tr-y', sha256, 200_000)), { qos: 1 });
    await waitForCount(inbox, 'dev-b1', 'blob/res', replies + 2);
    const errors = messagesOn<Reply>(inbox, 'dev-b1', 'blob/res').slice(replies);
    t.deepEqual(errors.map((e) => [e.type, e.requestId, e.code]).sort(), [
      ['error', 'tr-x', 'FC_ERR_BLOB_NOT_FOUND'],
      ['error', 'tr-y', 'FC_ERR_BLOB_RANGE'],
    ]);
  } finally {
    await harness.close();
  }
});

test('blob distribution enforces its concurrent-transfer bound with FC_ERR_BLOB_BUSY', async (t) => {
  const harness = await startLinkHarness({ maxConcurrentTransfers: 2 });
  try {
    const { sha256 } = await storeBundle(harness, 3 * BLOB_MAX_CHUNK_BYTES);
    const devices = await Promise.all(['dev-c1', 'dev-c2', 'dev-c3'].map((id) => harness.device(id)));
    const ask = async (index: number, offset: number): Promise<Reply> => {
      const id = `dev-c${index + 1}`;
      const { client, inbox } = devices[index];
      const before = messagesOn(inbox, id, 'blob/res').length;
      await client.publishAsync(deviceTopic(id, 'blob/req'), JSON.stringify(request(id, `tr-${id}`, sha256, offset)), { qos: 1 });
      await waitForCount(inbox, id, 'blob/res', before + 1);
      return messagesOn<Reply>(inbox, id, 'blob/res')[before];
    };
    t.is((await ask(0, 0)).type, 'blob-chunk');
    t.is((await ask(1, 0)).type, 'blob-chunk');
    t.is(harness.blobs.activeTransfers(), 2);
    const refused = await ask(2, 0);
    t.deepEqual([refused.type, refused.code], ['error', 'FC_ERR_BLOB_BUSY']);
    // An active transfer continues while the bound is reached.
    t.is((await ask(0, BLOB_MAX_CHUNK_BYTES)).type, 'blob-chunk');
    // Device 1 finishes; its slot frees and device 3's retry is served.
    t.is((await ask(0, 2 * BLOB_MAX_CHUNK_BYTES)).type, 'blob-chunk');
    t.is(harness.blobs.activeTransfers(), 1);
    const retried = await ask(2, 0);
    t.is(retried.type, 'blob-chunk');
  } finally {
    await harness.close();
  }
});
