import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import { decodeMessage } from '../../protocols/messages/decode.js';
import { posTopics } from '../../protocols/topics.js';
import type { ScoreRow } from '../../protocols/messages/pos/score-request.js';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';
import type { ScoreResponseMessage } from '../../protocols/messages/pos/score-response.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * A point-of-sale client on the store LAN, as an integrator would write one for the agent's
 * embedded broker (aedes, MQTT 3.1.1): `replyTo` names its own reply topic and replies are
 * matched by `requestId` (docs/protocol.md, "Store LAN"). MQTT 5 tills need the agent's
 * Mosquitto backend (issue #9), which the demo's embedded defaults do not start.
 */
export class PosClient {
  private constructor(
    private readonly client: mqtt.MqttClient,
    private readonly clientId: string,
  ) {}

  static async connect(port: number, username: string, password: string): Promise<PosClient> {
    const clientId = `pos-demo-${randomUUID().slice(0, 8)}`;
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId, username, password, protocolVersion: 4, reconnectPeriod: 0 });
    await client.subscribeAsync(`${posTopics.replyPrefix}/${clientId}`, { qos: 1 });
    return new PosClient(client, clientId);
  }

  /** Asks for forecasts and waits for the reply with the same `requestId` on its reply topic. */
  score(rows: ScoreRow[], timeoutMs = 10_000): Promise<ScoreResponseMessage> {
    const correlation = randomUUID();
    const replyTopic = `${posTopics.replyPrefix}/${this.clientId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('message', onMessage);
        reject(new FleetcastError('FC_ERR_INTERNAL', 'no forecast reply from the agent'));
      }, timeoutMs);
      const onMessage = (topic: string, payload: Buffer) => {
        if (topic !== replyTopic) return;
        const reply = decodeMessage('pos/score/res', payload);
        if (reply.requestId !== correlation) return;
        clearTimeout(timer);
        this.client.off('message', onMessage);
        resolve(reply);
      };
      this.client.on('message', onMessage);
      const request = { ...envelope({ role: 'pos', id: this.clientId }), type: 'score', requestId: correlation, replyTo: replyTopic, rows };
      this.client.publish(posTopics.scoreRequest, JSON.stringify(request), { qos: 1 });
    });
  }

  /** Reports what was actually sold (feeds lag features and accuracy counters on the agent). */
  async sendActuals(rows: ActualRow[]): Promise<void> {
    await this.client.publishAsync(posTopics.actuals, JSON.stringify({ ...envelope({ role: 'pos', id: this.clientId }), type: 'actuals', rows }), { qos: 1 });
  }

  /**
   * Drops the connection at once: on Ctrl-C the agents stop at the same moment, and a graceful
   * DISCONNECT would wait for a broker that is closing (issue #14).
   */
  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
