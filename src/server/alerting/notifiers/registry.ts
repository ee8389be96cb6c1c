import type { ChannelConfig, ChannelType } from './channel-config.ts';
import { EmailNotifier } from './email/email.ts';
import type { Notifier } from './notifier.ts';
import { PagerdutyNotifier } from './pagerduty/pagerduty.ts';
import { SlackNotifier } from './slack/slack.ts';
import { TeamsNotifier } from './teams/teams.ts';
import { WebhookNotifier } from './webhook/webhook.ts';

type Factory<T extends ChannelType> = (name: string, config: Extract<ChannelConfig, { type: T }>) => Notifier;

/** Every notifier, listed by hand. A new one adds its config to channel-config.ts and a line here. */
export const NOTIFIERS: { readonly [T in ChannelType]: Factory<T> } = {
  email: (name, config) => new EmailNotifier(name, config),
  pagerduty: (name, config) => new PagerdutyNotifier(name, config),
  slack: (name, config) => new SlackNotifier(name, config),
  teams: (name, config) => new TeamsNotifier(name, config),
  webhook: (name, config) => new WebhookNotifier(name, config),
};

export function createNotifier(name: string, config: ChannelConfig): Notifier {
  const factory = NOTIFIERS[config.type] as Factory<ChannelType>;
  return factory(name, config);
}
