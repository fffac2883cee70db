/**
 * How the answer to one POS request travels when the request itself said so (issue #5 "MQTT 5
 * response topic + correlation data"): the MQTT 5 `responseTopic` property, if any, and a
 * sender that stamps every reply with the request's `correlationData`. Requests over MQTT
 * 3.1.1 have no route and use the payload's `replyTo`/`requestId` instead.
 */
export interface ReplyRoute {
  /** The request's MQTT 5 response topic; still subject to the reply-topic ACL (pos-acl.ts). */
  responseTopic?: string;
  /** Publishes `message` as JSON on `topic`, carrying the request's correlation data. */
  reply(topic: string, message: unknown): void;
}
