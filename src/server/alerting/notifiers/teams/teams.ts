import { JsonNotifier } from '../http.ts';
import { alertLine, alertLink, labelText, title } from '../message.ts';
import type { Notification, SendResult } from '../notifier.ts';
import type { TeamsConfig } from './config.ts';

/**
 * Microsoft Teams through a Workflows webhook. Workflows accept only Adaptive Cards (the old
 * Office 365 connector MessageCard is retired), wrapped in a `message` with one attachment.
 */
export class TeamsNotifier extends JsonNotifier<TeamsConfig> {
  readonly type = 'teams';

  payload(n: Notification): Record<string, unknown> {
    const body: unknown[] = [
      {
        type: 'TextBlock',
        size: 'Medium',
        weight: 'Bolder',
        text: title(n),
        wrap: true,
        color: n.status === 'resolved' ? 'Good' : 'Attention',
      },
    ];
    const actions: unknown[] = [];
    for (const alert of n.alerts.slice(0, 20)) {
      body.push(
        { type: 'TextBlock', text: alertLine(alert), wrap: true, weight: 'Bolder' },
        { type: 'TextBlock', text: labelText(alert.labels), wrap: true, isSubtle: true, spacing: 'None' },
      );
      const link = alertLink(n, alert);
      if (link && actions.length === 0)
        actions.push({ type: 'Action.OpenUrl', title: 'Open in Birdseye', url: link });
    }
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body,
            ...(actions.length ? { actions } : {}),
          },
        },
      ],
    };
  }

  send(n: Notification): Promise<SendResult> {
    return this.post(JSON.stringify(this.payload(n)));
  }
}
