import type { UpMessage } from '../../../protocols/messages/up.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { LinkContext } from '../context.js';

/**
 * Ingests an outbox batch, then acks it. The ack goes out only after the SQLite transaction
 * committed, and a duplicate batch is acked again so the agent can delete it (issue #6).
 */
export async function handleUp(context: LinkContext, deviceId: string, message: UpMessage): Promise<void> {
  context.fleet.recordSeen(deviceId);
  const result = context.telemetry.ingest(deviceId, message);
  await context.publish(deviceId, 'ack', {
    ...envelope(context.sender),
    type: 'ack',
    batchId: message.id,
    ...(message.incarnation === undefined ? {} : { incarnation: message.incarnation }),
    fromSeq: message.fromSeq,
    toSeq: message.toSeq,
  });
  context.log.debug({ deviceId, batchId: message.id, ...result }, 'batch ingested');
}
