import { commandSchema } from './cmd/index.js';
import { stateMessageSchema } from './state.js';
import { eventMessageSchema } from './evt.js';
import { upMessageSchema } from './up.js';
import { ackMessageSchema } from './ack.js';
import { blobRequestMessageSchema, blobResponseMessageSchema } from './blob.js';
import { scoreRequestMessageSchema } from './pos/score-request.js';
import { scoreResponseMessageSchema } from './pos/score-response.js';
import { actualsMessageSchema } from './pos/actuals.js';
import { posStatusMessageSchema } from './pos/status.js';

/**
 * The payload schema of every topic kind: one place that says what may travel where.
 * `decodeMessage(kind, payload)` validates against it.
 */
export const topicSchemas = {
  cmd: commandSchema,
  state: stateMessageSchema,
  evt: eventMessageSchema,
  up: upMessageSchema,
  ack: ackMessageSchema,
  'blob/req': blobRequestMessageSchema,
  'blob/res': blobResponseMessageSchema,
  'pos/score/req': scoreRequestMessageSchema,
  'pos/score/res': scoreResponseMessageSchema,
  'pos/actuals': actualsMessageSchema,
  'pos/status': posStatusMessageSchema,
} as const;

export type TopicKind = keyof typeof topicSchemas;
