import type { Logger } from '../../../protocols/runtime/logger.js';
import type { ChannelConfig } from '../schema.js';
import type { AlertChannel } from './channel.js';
import { EmailChannel } from './email-channel.js';
import { PagerDutyChannel, SlackChannel, WebhookChannel } from './http-channels.js';
import { LogChannel } from './log-channel.js';

/** Builds the channel a config entry describes. */
export function createChannel(config: ChannelConfig, options: { log: Logger; timeoutMs: number }): AlertChannel {
  switch (config.kind) {
    case 'log':
      return new LogChannel(config.name, options.log);
    case 'webhook':
      return new WebhookChannel(config.name, config.url, config.headers);
    case 'slack':
      return new SlackChannel(config.name, config.url);
    case 'pagerduty':
      return new PagerDutyChannel(config.name, config.url, config.routingKey);
    case 'email':
      return new EmailChannel(config, options.timeoutMs);
  }
}
