import type { Logger } from '../../../protocols/runtime/logger.js';
import type { AlertChannel, AlertNotification } from './channel.js';

/** Writes notifications to the controller's pino log (stderr): the channel that is always there. */
export class LogChannel implements AlertChannel {
  constructor(readonly name: string, private readonly log: Logger) {}

  async send(notification: AlertNotification): Promise<void> {
    const level = notification.alert.severity === 'critical' ? 'error' : notification.alert.severity === 'warning' ? 'warn' : 'info';
    this.log[level]({ event: notification.event, alert: notification.alert, channel: this.name }, notification.summary);
  }
}
