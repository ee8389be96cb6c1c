import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { alertLine, alertLink, labelText, plainText, relatedLines, title } from '../message.ts';
import type { Notification, Notifier, SendResult } from '../notifier.ts';
import type { EmailConfig } from './config.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(n: Notification): string {
  const items = n.alerts.map((a) => {
    const link = alertLink(n, a);
    const more = link ? ` <a href="${escape(link)}">open</a>` : '';
    const events = relatedLines(a).map((e) => `<br><small>${escape(e)}</small>`);
    return `<li><b>${escape(alertLine(a))}</b>${more}<br><small>${escape(labelText(a.labels))}</small>${events.join('')}</li>`;
  });
  return `<h2>${escape(title(n))}</h2><ul>${items.join('')}</ul>`;
}

/** SMTP errors with a 4xx reply are transient by RFC 5321; 5xx replies are permanent. */
function classify(error: unknown): SendResult {
  const err = error as { responseCode?: number; code?: string; message?: string };
  const reason = `${err.code ?? 'error'}${err.responseCode ? ` ${err.responseCode}` : ''}: ${err.message ?? ''}`;
  if (typeof err.responseCode === 'number') {
    return err.responseCode >= 500 ? { outcome: 'failed', reason } : { outcome: 'retryable', reason };
  }
  if (err.code === 'EAUTH') return { outcome: 'failed', reason };
  return { outcome: 'retryable', reason };
}

/** Email over SMTP through nodemailer: a text and an HTML part, one message per notification. */
export class EmailNotifier implements Notifier {
  readonly type = 'email';
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    readonly name: string,
    private readonly config: EmailConfig,
  ) {
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.require_tls,
      tls: { rejectUnauthorized: config.tls_reject_unauthorized },
      auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
      connectionTimeout: config.timeout_ms,
      greetingTimeout: config.timeout_ms,
      socketTimeout: config.timeout_ms,
      logger: false,
    });
  }

  async send(n: Notification): Promise<SendResult> {
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: title(n),
        text: plainText(n),
        html: html(n),
        headers: { 'X-Birdseye-Group': n.group_key },
      });
      return { outcome: 'ok' };
    } catch (error) {
      return classify(error);
    }
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
