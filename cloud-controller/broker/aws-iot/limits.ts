import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';

/**
 * AWS IoT Core message-broker limits (AWS General Reference, "AWS IoT Core endpoints and
 * quotas"): topic ≤ 256 bytes UTF-8, at most 7 forward slashes in a topic or filter, payload
 * ≤ 128 KB. fleetcast's tree (`fc/v1/d/{id}/blob/res`: 5 slashes) and chunk size (protocols
 * BLOB_MAX_CHUNK_BYTES) are chosen to stay within them.
 */
export const AWS_IOT_LIMITS = { topicBytes: 256, topicSlashes: 7, payloadBytes: 128 * 1024 } as const;

/** Throws FC_ERR_AWS_IOT_LIMIT when a topic (or filter) would be refused by AWS IoT Core. */
export function assertAwsIotTopic(topic: string): void {
  const bytes = Buffer.byteLength(topic, 'utf8');
  const slashes = topic.split('/').length - 1;
  if (bytes > AWS_IOT_LIMITS.topicBytes || slashes > AWS_IOT_LIMITS.topicSlashes) {
    throw new FleetcastError('FC_ERR_AWS_IOT_LIMIT', `topic ${topic} (${bytes} bytes, ${slashes} slashes)`, { bytes, slashes });
  }
}

/** Throws FC_ERR_AWS_IOT_LIMIT when a publish would exceed AWS IoT Core's payload limit. */
export function assertAwsIotPayload(payload: string | Buffer): void {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  if (bytes > AWS_IOT_LIMITS.payloadBytes) throw new FleetcastError('FC_ERR_AWS_IOT_LIMIT', `payload of ${bytes} bytes`, { bytes });
}
