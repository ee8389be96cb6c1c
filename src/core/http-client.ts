import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ClientTls } from './tls-client.ts';

/**
 * The HTTP client every sender uses (agent sinks, alert notifiers): node's own http/https with
 * keep-alive, one timeout for a connection that goes quiet (connecting, waiting for the head,
 * reading the body), and the TLS of `ClientTls`, including a pinned certificate. node:http rather
 * than undici: undici adds about 11 MB to the agent's resident memory, and the agent sends a few
 * requests a second at most.
 */

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A request that failed before an answer; `bytesRead` tells a refused handshake from a lost answer. */
export interface HttpFailure extends NodeJS.ErrnoException {
  bytesRead?: number;
}

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export class HttpClient {
  private readonly http: http.Agent;
  private readonly https: https.Agent;
  private closed = false;

  constructor(
    private readonly timeoutMs: number,
    keepAliveMs = 30_000,
    private readonly tls?: ClientTls,
  ) {
    const common = { keepAlive: true, maxSockets: 8, timeout: keepAliveMs };
    this.http = new http.Agent(common);
    this.https = new https.Agent({ ...common, ...tls?.options });
    const pin = tls?.pin;
    if (pin) {
      // Checked once the handshake is done: a pinned certificate is trusted whatever its issuer.
      const create = this.https.createConnection.bind(this.https);
      this.https.createConnection = (options, callback) => {
        const socket = create({ ...options, rejectUnauthorized: false }, callback) as TLSSocket;
        socket.once('secureConnect', () => {
          const presented = socket.getPeerCertificate().fingerprint256;
          if (presented === pin) return;
          const mismatch = Object.assign(
            new Error(`the server presented certificate ${presented ?? 'none'}, not its own ${pin}`),
            { code: 'ERR_TLS_CERT_PINNED' },
          );
          socket.destroy(mismatch);
        });
        return socket;
      };
    }
  }

  request(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(target, {
        method,
        agent: secure ? this.https : this.http,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: this.timeoutMs,
      });
      request.on('timeout', () =>
        request.destroy(
          Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      );
      request.on('error', (error: HttpFailure) => {
        error.bytesRead = request.socket?.bytesRead ?? 0;
        reject(error);
      });
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        let bytes = 0;
        response.on('data', (part: Buffer) => {
          bytes += part.length;
          if (bytes <= MAX_ANSWER_BYTES) parts.push(part);
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
      });
      request.end(body);
    });
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.http.destroy();
      this.https.destroy();
    }
    return Promise.resolve();
  }
}
