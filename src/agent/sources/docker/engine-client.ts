import http from 'node:http';
import https from 'node:https';
import type { DockerEndpoint } from './endpoint.ts';
import { DockerApiError, errorMessage } from './api-error.ts';
import { PacedStream, type ReadPacer } from './paced-stream.ts';

/**
 * A minimal Docker Engine API client over the daemon's unix socket (node:http with `socketPath`),
 * or over TCP, with TLS when the endpoint has it (see endpoint.ts):
 * JSON requests for list/inspect, and raw streaming responses for /events and /logs, which the
 * callers pause and resume for backpressure. No API version prefix is sent, so the daemon answers
 * with its own version; the fields read here exist unchanged since API 1.24.
 */

export interface EngineOptions {
  /** The unix socket; ignored when `endpoint` is given. */
  socketPath?: string;
  endpoint?: DockerEndpoint;
  /** Per request, for JSON requests only; streams stay open as long as the daemon sends. */
  timeoutMs: number;
}

export class EngineClient {
  private readonly endpoint: DockerEndpoint;
  private readonly agent: http.Agent;

  constructor(private readonly options: EngineOptions) {
    this.endpoint = options.endpoint ?? {
      kind: 'unix',
      socketPath: options.socketPath ?? '/var/run/docker.sock',
    };
    const tls = this.endpoint.kind === 'tcp' ? this.endpoint.tls : undefined;
    this.agent = tls
      ? new https.Agent({ keepAlive: true, maxSockets: 8, ...tls })
      : new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  get socketPath(): string | undefined {
    return this.endpoint.kind === 'unix' ? this.endpoint.socketPath : undefined;
  }

  /** Where a request goes, and with which module: http for the socket and plain TCP, https for TLS. */
  private target(): { request: typeof http.request; options: http.RequestOptions } {
    const endpoint = this.endpoint;
    if (endpoint.kind === 'unix')
      return { request: http.request, options: { socketPath: endpoint.socketPath } };
    const options = { host: endpoint.host, port: endpoint.port };
    return endpoint.tls
      ? { request: https.request, options: { ...options, ...endpoint.tls } }
      : { request: http.request, options };
  }

  /** A JSON request; rejects with DockerApiError on a non-2xx status or an unreachable daemon. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const text = await this.raw(method, path, payload, 'application/json');
    return text.length === 0 ? (undefined as T) : (JSON.parse(text.toString('utf8')) as T);
  }

  /** A request whose body is sent as given (a tarball for image import); resolves to the body read. */
  raw(
    method: string,
    path: string,
    body?: Buffer,
    contentType = 'application/octet-stream',
  ): Promise<Buffer> {
    const target = this.target();
    return new Promise((resolve, reject) => {
      const request = target.request(
        {
          ...target.options,
          agent: this.agent,
          method,
          path,
          timeout: this.options.timeoutMs,
          headers: body ? { 'content-type': contentType, 'content-length': body.length } : {},
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks);
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else reject(new DockerApiError(`${method} ${path}: ${status} ${errorMessage(text)}`, status));
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)));
      request.on('error', (error) =>
        reject(new DockerApiError(`${method} ${path}: ${error.message}`, undefined, { cause: error })),
      );
      request.end(body);
    });
  }

  /**
   * A streaming GET: resolves with the response once the headers arrived (2xx only). The caller
   * reads it, pauses it when the pipeline is full, and destroys it to stop.
   */
  stream(path: string): Promise<http.IncomingMessage> {
    const target = this.target();
    return new Promise((resolve, reject) => {
      // A stream holds its connection for as long as it lives: not from the keep-alive pool.
      const request = target.request({ ...target.options, agent: false, method: 'GET', path });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(response);
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          reject(new DockerApiError(`GET ${path}: ${status} ${errorMessage(Buffer.concat(chunks))}`, status)),
        );
      });
      request.on('error', (error) =>
        reject(new DockerApiError(`GET ${path}: ${error.message}`, undefined, { cause: error })),
      );
      request.end();
    });
  }

  /**
   * A streaming GET read in the pacer's rounds (paced-stream.ts): for container logs, where most
   * reads would otherwise carry one line. Resolves once a 2xx head arrived.
   */
  pacedStream(path: string, pacer: ReadPacer, onBody: (data: Buffer) => void): Promise<PacedStream> {
    return PacedStream.open({
      endpoint: this.endpoint,
      path,
      pacer,
      onBody,
      timeoutMs: this.options.timeoutMs,
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
