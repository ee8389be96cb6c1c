/**
 * The response side of HTTP/1.1 for one streaming GET, as bytes arrive: the status line and
 * headers, then the body, de-chunked (`Transfer-Encoding: chunked`, what the daemon sends while it
 * streams), cut at `Content-Length`, or read until the connection closes. A pure state machine;
 * `push` copies what it returns, so the caller may reuse its read buffer.
 */

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_SIZE_LINE_BYTES = 1024;

type Body =
  | { kind: 'chunked'; state: 'size' | 'data' | 'cr' | 'lf'; left: number; line: string }
  | { kind: 'length'; left: number }
  | { kind: 'close' };

export class HttpBodyDecoder {
  /** The response status, once the head is complete. */
  status: number | undefined;
  readonly headers = new Map<string, string>();
  /** The body ended (last chunk, or Content-Length reached); with `close` framing only the socket tells. */
  complete = false;
  private head: Buffer[] = [];
  private headBytes = 0;
  private body: Body | undefined;

  /** Takes the next bytes read; returns the body bytes among them (a copy). Throws on a broken response. */
  push(data: Buffer): Buffer {
    let rest = data;
    if (!this.body) {
      rest = this.readHead(data);
      if (!this.body) return EMPTY;
    }
    if (this.complete) return EMPTY;
    const parts: Buffer[] = [];
    const body = this.body;
    if (body.kind === 'close') parts.push(rest);
    else if (body.kind === 'length') {
      const take = rest.subarray(0, body.left);
      body.left -= take.length;
      parts.push(take);
      if (body.left === 0) this.complete = true;
    } else this.dechunk(body, rest, parts);
    return parts.length === 0 ? EMPTY : Buffer.concat(parts);
  }

  private readHead(data: Buffer): Buffer {
    this.head.push(Buffer.from(data));
    this.headBytes += data.length;
    const all = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    const end = all.indexOf('\r\n\r\n');
    if (end === -1) {
      if (this.headBytes > MAX_HEAD_BYTES) throw new Error(`response head over ${MAX_HEAD_BYTES} bytes`);
      this.head = [all];
      return EMPTY;
    }
    const [statusLine, ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine?.slice(0, 80))}`);
    this.status = Number(m[1]);
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0)
        this.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = this.headers.get('content-length');
    if (/chunked/i.test(this.headers.get('transfer-encoding') ?? ''))
      this.body = { kind: 'chunked', state: 'size', left: 0, line: '' };
    else if (length !== undefined) {
      this.body = { kind: 'length', left: Number(length) };
      if (!(this.body.left >= 0)) throw new Error(`bad Content-Length ${JSON.stringify(length)}`);
      if (this.body.left === 0) this.complete = true;
    } else this.body = { kind: 'close' };
    this.head = [];
    return all.subarray(end + 4);
  }

  private dechunk(body: Extract<Body, { kind: 'chunked' }>, data: Buffer, parts: Buffer[]): void {
    let at = 0;
    while (at < data.length && !this.complete) {
      switch (body.state) {
        case 'size': {
          const nl = data.indexOf(0x0a, at);
          const end = nl === -1 ? data.length : nl;
          body.line += data.toString('latin1', at, end);
          if (body.line.length > MAX_SIZE_LINE_BYTES) throw new Error('chunk size line too long');
          at = end;
          if (nl === -1) break;
          at++;
          const size = parseInt(body.line.replace(/\r$/, '').split(';')[0]!, 16);
          if (!Number.isFinite(size) || size < 0)
            throw new Error(`bad chunk size ${JSON.stringify(body.line)}`);
          body.line = '';
          if (size === 0) this.complete = true;
          else {
            body.left = size;
            body.state = 'data';
          }
          break;
        }
        case 'data': {
          const take = Math.min(body.left, data.length - at);
          parts.push(data.subarray(at, at + take));
          at += take;
          body.left -= take;
          if (body.left === 0) body.state = 'cr';
          break;
        }
        case 'cr':
          if (data[at] !== 0x0d) throw new Error('chunk not followed by CRLF');
          at++;
          body.state = 'lf';
          break;
        case 'lf':
          if (data[at] !== 0x0a) throw new Error('chunk not followed by CRLF');
          at++;
          body.state = 'size';
          break;
      }
    }
  }
}

const EMPTY = Buffer.alloc(0);
