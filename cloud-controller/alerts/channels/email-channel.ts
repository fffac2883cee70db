import { createTransport, type Transporter } from 'nodemailer';
import type { ChannelConfig } from '../schema.js';
import type { AlertChannel, AlertNotification } from './channel.js';

type EmailConfig = Extract<ChannelConfig, { kind: 'email' }>;

/** E-mail over SMTP with nodemailer (issue #12: a kept SMTP client, not hand-written SMTP). */
export class EmailChannel implements AlertChannel {
  readonly name: string;
  private readonly transport: Transporter;

  constructor(private readonly config: EmailConfig, timeoutMs: number) {
    this.name = config.name;
    this.transport = createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: config.auth,
      tls: { rejectUnauthorized: config.rejectUnauthorized },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const sent = this.transport.sendMail({
      from: this.config.from,
      to: this.config.to,
      subject: notification.summary.slice(0, 200),
      text: `${notification.summary}\n\n${JSON.stringify(notification.alert, null, 2)}\n`,
      headers: { 'X-Fleetcast-Alert': notification.alert.id, 'X-Fleetcast-Event': notification.event },
    });
    await new Promise<void>((resolve, reject) => {
      const abort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', abort, { once: true });
      sent.then(() => resolve(), reject).finally(() => signal.removeEventListener('abort', abort));
    });
  }

  close(): void {
    this.transport.close();
  }
}
