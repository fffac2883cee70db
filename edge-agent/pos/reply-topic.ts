import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { posTopics } from '../../protocols/topics.js';
import { posAcl } from './pos-acl.js';

/**
 * Where the answer to a score request goes (DESIGN "MQTT contract", store LAN): the request's
 * `replyTo` when the ACL allows it (posAcl.mayReplyTo), else
 * `pos/v1/score/res/{clientId}`. A `replyTo` elsewhere is refused (FC_ERR_NOT_AUTHORIZED) and
 * the refusal goes to the default topic, so no client can make the agent write to another
 * login's topics.
 */
export function resolveReplyTopic(clientId: string, replyTo: unknown, sameLogin: (otherClientId: string) => boolean = () => false): { topic: string; refused: FleetcastError | null } {
  const fallback = `${posTopics.replyPrefix}/${clientId}`;
  if (typeof replyTo !== 'string') return { topic: fallback, refused: null };
  if (posAcl.mayReplyTo(clientId, replyTo, sameLogin)) return { topic: replyTo, refused: null };
  return { topic: fallback, refused: new FleetcastError('FC_ERR_NOT_AUTHORIZED', 'replyTo outside the client reply subtree', { path: ['replyTo'] }) };
}
