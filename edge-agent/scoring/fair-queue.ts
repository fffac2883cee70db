import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** Bounds of the fair queue. */
export interface FairQueueLimits {
  /** Items waiting for one key before that key's next push is refused (FC_ERR_AGENT_LOGIN_OVERLOADED). */
  perKey: number;
  /** Items waiting in all before any push is refused (FC_ERR_AGENT_OVERLOADED): bounds memory. */
  total: number;
}

/**
 * Round-robin across keys (POS logins), FIFO within a key (issue #9 finding 13): one login
 * flooding the agent fills only its own queue and gets coded refusals past its cap, while
 * every other login's next request is at most one turn away.
 */
export class FairQueue<T> {
  /** Map order is the round-robin ring: the key served next is first. */
  private readonly queues = new Map<string, T[]>();
  private count = 0;

  constructor(private readonly limits: FairQueueLimits) {}

  /** Items waiting. */
  get size(): number {
    return this.count;
  }

  /** Queues `item` under `key`, or throws the coded overload error. */
  push(key: string, item: T): void {
    const queue = this.queues.get(key);
    if (queue && queue.length >= this.limits.perKey) throw new FleetcastError('FC_ERR_AGENT_LOGIN_OVERLOADED', `${queue.length} queued for this login`, { queued: queue.length });
    if (this.count >= this.limits.total) throw new FleetcastError('FC_ERR_AGENT_OVERLOADED', `${this.count} queued`);
    if (queue) queue.push(item);
    else this.queues.set(key, [item]);
    this.count += 1;
  }

  /** The next item in round-robin order, or undefined when empty. */
  shift(): T | undefined {
    for (const [key, queue] of this.queues) {
      const item = queue.shift();
      this.queues.delete(key);
      // Back to the end of the ring when it still has work.
      if (queue.length > 0) this.queues.set(key, queue);
      if (item !== undefined) {
        this.count -= 1;
        return item;
      }
    }
    return undefined;
  }
}
