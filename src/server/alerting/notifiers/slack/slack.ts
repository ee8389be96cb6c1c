import { JsonNotifier } from '../http.ts';
import { alertLine, alertLink, labelText, plainText, relatedLines, title } from '../message.ts';
import type { Notification, SendResult } from '../notifier.ts';
import type { SlackConfig } from './config.ts';

/** Slack's mrkdwn needs only these three escaped. */
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack incoming webhook: `text` as the fallback and notification line, Block Kit for the body. */
export class SlackNotifier extends JsonNotifier<SlackConfig> {
  readonly type = 'slack';

  payload(n: Notification): Record<string, unknown> {
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: title(n).slice(0, 150) } },
    ];
    for (const alert of n.alerts.slice(0, 20)) {
      const link = alertLink(n, alert);
      const events = relatedLines(alert).map((e) => `\n• ${escape(e)}`);
      const text = `*${escape(alertLine(alert))}*\n${escape(labelText(alert.labels))}${events.join('')}${link ? `\n<${link}|Open in Birdseye>` : ''}`;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } });
    }
    return { text: plainText(n).slice(0, 3000), blocks };
  }

  send(n: Notification): Promise<SendResult> {
    return this.post(JSON.stringify(this.payload(n)));
  }
}
