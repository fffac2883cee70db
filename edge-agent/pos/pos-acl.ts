import { posTopics } from '../../protocols/topics.js';

/**
 * Who may do what on the store broker (issue #5 "ACL hooks"). POS clients publish only score
 * requests and actuals, and read only `pos/v1/status` and their own reply subtree
 * `pos/v1/score/res/{clientId}` (exact or below it). A `replyTo` must lie in the reply subtree
 * of a client logged in with the same POS username — its own, or a sibling connection of the
 * same till (e.g. `mosquitto_pub` and `mosquitto_sub` as two clients) — so one POS login cannot
 * aim replies at another's topics.
 */
export const posAcl = {
  /** True when a POS client may publish on `topic`. */
  mayPublish(topic: string): boolean {
    return topic === posTopics.scoreRequest || topic === posTopics.actuals;
  },

  /** True when client `clientId` may subscribe with `filter` (wildcards only below its own prefix). */
  maySubscribe(clientId: string, filter: string): boolean {
    if (filter === posTopics.status) return true;
    return isInOwnReplyTree(clientId, filter);
  },

  /**
   * True when replies to a request of `clientId` may be sent to `topic`; `sameLogin(other)`
   * tells whether client `other` authenticated with the requester's username.
   */
  mayReplyTo(clientId: string, topic: string, sameLogin: (otherClientId: string) => boolean): boolean {
    if (topic.includes('+') || topic.includes('#')) return false;
    if (isInOwnReplyTree(clientId, topic)) return true;
    const prefix = `${posTopics.replyPrefix}/`;
    if (!topic.startsWith(prefix)) return false;
    const owner = topic.slice(prefix.length).split('/')[0];
    return owner.length > 0 && sameLogin(owner);
  },
};

function isInOwnReplyTree(clientId: string, topic: string): boolean {
  const own = `${posTopics.replyPrefix}/${clientId}`;
  return topic === own || topic.startsWith(`${own}/`);
}
