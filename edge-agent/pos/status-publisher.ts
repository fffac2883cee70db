import { envelope } from '../../protocols/messages/envelope-factory.js';
import { posTopics } from '../../protocols/topics.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import type { PosStatus } from '../../protocols/messages/pos/status.js';
import type { Health } from '../../protocols/messages/state.js';
import type { ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import type { ModelRef, Sender } from '../../protocols/envelope.js';
import type { PosBroker } from './pos-broker.js';

/**
 * Keeps the retained `pos/v1/status` current (issue #5): republished when the serving model
 * or the health changes, so a POS that connects later still sees whether to trust the agent.
 */
export class StatusPublisher {
  private readonly broker: PosBroker;
  private readonly sender: Sender;
  private lastKey = '';
  private lastUpdate: string | null = null;

  constructor(broker: PosBroker, sender: Sender) {
    this.broker = broker;
    this.sender = sender;
  }

  /** Publishes when `model`, `health` or the serving precision differ from what was last published. */
  async update(model: ModelRef | null, health: Health, serving: ServingPrecision | null = null): Promise<void> {
    const key = JSON.stringify([model, health, serving]);
    if (key === this.lastKey) return;
    const modelChanged = !this.lastKey || JSON.stringify(JSON.parse(this.lastKey)[0]) !== JSON.stringify(model);
    this.lastKey = key;
    const now = new Date();
    if (modelChanged && model) this.lastUpdate = now.toISOString();
    const status: PosStatus = { ...envelope(this.sender, now), type: 'status', servingModel: model, serving, health, lastUpdate: this.lastUpdate, agentVersion: PROTOCOL_VERSION.agentVersion };
    await this.broker.publish(posTopics.status, JSON.stringify(status), { qos: 1, retain: true });
  }
}
