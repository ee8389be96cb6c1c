import type { SendResult } from '../../../core/delivery.ts';
import type { Alert, Labels } from '../model.ts';

/**
 * A notifier is a dumb sender: it renders one notification into its service's format and reports
 * what happened (`SendResult`: ok / retryable / failed). Grouping, dedup, silences and retries are
 * pipeline stages; a notifier never loops.
 */
export type { SendResult } from '../../../core/delivery.ts';

/** One message for one channel: every alert of one group that is worth telling about now. */
export interface Notification {
  /** `firing` while any alert in it fires; `resolved` once all are. */
  readonly status: 'firing' | 'resolved';
  readonly channel: string;
  /** Stable per group and channel (PagerDuty, webhook receivers correlate on it). */
  readonly group_key: string;
  readonly group_labels: Labels;
  readonly common_labels: Labels;
  readonly alerts: readonly Alert[];
  /** Base URL of the UI for links back, when configured. */
  readonly external_url: string | undefined;
  readonly sent_at: number;
}

export interface Notifier {
  readonly type: string;
  readonly name: string;
  send(notification: Notification): Promise<SendResult>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}
