import type { Notification, Notifier, SendResult } from '../notifier.ts';

/**
 * A notifier double for tests of the pipeline and engine: keeps what it was sent and answers with
 * scripted outcomes (then ok). Not in the registry; users cannot configure it.
 */
export class MemoryNotifier implements Notifier {
  readonly type = 'memory';
  readonly sent: Notification[] = [];
  readonly attempts: Notification[] = [];
  private readonly script: SendResult[] = [];

  constructor(readonly name: string) {}

  /** The next sends answer with these outcomes, in order. */
  answer(...results: SendResult[]): void {
    this.script.push(...results);
  }

  send(notification: Notification): Promise<SendResult> {
    this.attempts.push(notification);
    const result = this.script.shift() ?? { outcome: 'ok' };
    if (result.outcome === 'ok') this.sent.push(notification);
    return Promise.resolve(result);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
