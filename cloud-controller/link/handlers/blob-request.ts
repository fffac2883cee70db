import type { BlobRequest } from '../../../protocols/messages/blob.js';
import type { LinkContext } from '../context.js';

/** Answers a chunk request on the device's own `blob/res` (a coded error reply when refused). */
export async function handleBlobRequest(context: LinkContext, deviceId: string, message: BlobRequest): Promise<void> {
  const reply = await context.blobs.answer(deviceId, message);
  await context.publish(deviceId, 'blob/res', reply);
}
