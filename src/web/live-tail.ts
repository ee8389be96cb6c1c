/**
 * The live tail: /api/v1/logs/tail read with fetch (the token goes in a header, which EventSource
 * cannot send). While paused the stream stays open and lines are held, up to a bound, so resuming
 * shows what arrived meanwhile. A dropped connection is retried after a pause.
 */
import type { Api } from './api.ts';
import { withParams } from './api.ts';
import type { LogRecord } from './log-api.ts';
import { readEvents } from './sse.ts';

const HELD_MAX = 5000;
const RETRY_MS = 3000;
/** Lines are put on the page in small batches rather than one DOM update each. */
const FLUSH_MS = 100;

export interface TailHandlers {
  onRecords(records: LogRecord[]): void;
  /** Lines held while paused, and lines the server dropped because we read too slowly. */
  onStatus(status: { connected: boolean; held: number; dropped: number }): void;
  onError(error: unknown): void;
}

export class LiveTail {
  private abort: AbortController | undefined;
  private held: LogRecord[] = [];
  private pending: LogRecord[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private dropped = 0;
  private paused = false;
  private connected = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: Api,
    private readonly handlers: TailHandlers,
  ) {}

  get running(): boolean {
    return this.abort !== undefined;
  }

  start(query: string): void {
    this.stop();
    const abort = new AbortController();
    this.abort = abort;
    this.paused = false;
    void this.connect(query, abort);
  }

  stop(): void {
    clearTimeout(this.retry);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = [];
    this.abort?.abort();
    this.abort = undefined;
    this.held = [];
    this.dropped = 0;
    this.connected = false;
  }

  pause(): void {
    this.paused = true;
    this.status();
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    if (held.length > 0) this.handlers.onRecords(held);
    this.status();
  }

  private async connect(query: string, abort: AbortController): Promise<void> {
    try {
      const response = await this.api.open(withParams('/api/v1/logs/tail', { q: query }), abort.signal);
      this.connected = true;
      this.status();
      await readEvents(
        response,
        (event) => {
          if (event.event === 'dropped') {
            this.dropped += (JSON.parse(event.data) as { dropped: number }).dropped;
          } else if (event.event === 'message') {
            this.receive(JSON.parse(event.data) as LogRecord);
          }
        },
        abort.signal,
      );
    } catch (error) {
      if (abort.signal.aborted) return;
      this.handlers.onError(error);
      this.abort = undefined;
      return;
    }
    if (abort.signal.aborted) return;
    // The server closed the stream (restart, proxy timeout): reconnect, as EventSource would.
    this.connected = false;
    this.status();
    this.retry = setTimeout(() => void this.connect(query, abort), RETRY_MS);
  }

  private receive(record: LogRecord): void {
    if (!this.paused) {
      this.pending.push(record);
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        const records = this.pending;
        this.pending = [];
        this.handlers.onRecords(records);
      }, FLUSH_MS);
      return;
    }
    if (this.held.length >= HELD_MAX) {
      this.held.shift();
      this.dropped++;
    }
    this.held.push(record);
    this.status();
  }

  private status(): void {
    this.handlers.onStatus({ connected: this.connected, held: this.held.length, dropped: this.dropped });
  }
}
