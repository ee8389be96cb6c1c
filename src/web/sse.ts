/**
 * Server-sent events read with fetch, because EventSource cannot send the Authorization header
 * the tail endpoint needs. `SseParser` is pure (tested in Node); `readEvents` feeds it a stream.
 */

export interface SseEvent {
  /** `message` unless the server named it (`event: dropped`). */
  event: string;
  data: string;
  id?: string;
}

/** Takes text in chunks as it arrives and returns the events completed by each chunk. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (!end || (end[0] === '\r' && end.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const event =
        this.data.length > 0
          ? {
              event: this.event || 'message',
              data: this.data.join('\n'),
              ...(this.id ? { id: this.id } : {}),
            }
          : undefined;
      this.event = '';
      this.data = [];
      this.id = undefined;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }
}

/** Reads events from a streaming response until it ends or `signal` aborts. */
export async function readEvents(
  response: Response,
  onEvent: (event: SseEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  if (!response.body) throw new Error('the tail response has no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) return;
      for (const event of parser.push(value)) onEvent(event);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
