import net from 'node:net';
import tls from 'node:tls';
import type { DockerEndpoint } from './endpoint.ts';
import { DockerApiError, errorMessage } from './api-error.ts';
import { HttpBodyDecoder } from './http-body.ts';

/**
 * A streaming GET to the engine (a container's logs) on a connection of its own, read in rounds.
 *
 * Why not node:http: a container that writes a line at a time makes the daemon send a tiny HTTP
 * chunk per line, and node:http reads each one as it arrives; with 50 containers that is a
 * thousand socket reads, parser calls and stream events a second, which cost the agent several
 * times more than handling the lines. Here a connection whose last read did not fill the read
 * buffer stops reading (the kernel holds what comes meanwhile) until the pacer's next round, so
 * one read takes everything a container wrote since the last, and all followed containers are
 * read in one go. A busy container (full reads) is read on without waiting. The price is latency:
 * at most one round (`read_interval_ms`) before a line is seen.
 */

/** A read at least this long may have left more behind: read on instead of waiting for a round. */
const FULL_READ_BYTES = 16 * 1024;
/**
 * Every stream reads into this one buffer: a read is handled (and its body copied out) within its
 * callback, before the next read of any stream, so one buffer serves all (50 containers would hold
 * 50 × 64 KiB otherwise).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * Wakes the streams that stopped reading, all at once, once per interval. `onRound` runs once the
 * round's reads are done: libuv reads every woken socket that has data in the poll phase right after
 * the round's timer, and an immediate runs after that phase.
 */
export class ReadPacer {
  private readonly waiting = new Set<PacedStream>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly onRound: () => void = () => undefined,
  ) {}

  wait(stream: PacedStream): void {
    this.waiting.add(stream);
    this.timer ??= setTimeout(() => this.round(), this.intervalMs);
  }

  forget(stream: PacedStream): void {
    this.waiting.delete(stream);
  }

  private round(): void {
    this.timer = undefined;
    const ready = [...this.waiting];
    this.waiting.clear();
    for (const stream of ready) stream.wake();
    setImmediate(this.onRound);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }
}

export interface PacedStreamOptions {
  endpoint: DockerEndpoint;
  path: string;
  pacer: ReadPacer;
  /** The body's bytes (a copy the callee may keep), in order. */
  onBody: (data: Buffer) => void;
  /** Until the response head; the body may then take as long as the daemon sends. */
  timeoutMs: number;
}

export class PacedStream {
  /** Settles when the body ended or the connection closed; rejects when it broke. */
  readonly done: Promise<void>;
  private readonly head: Promise<void>;
  private readonly socket: net.Socket;
  private readonly decoder = new HttpBodyDecoder();
  private readonly errorBody: Buffer[] = [];
  private resolveHead!: () => void;
  private rejectHead!: (error: Error) => void;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  private opened = false;
  private ended = false;
  private held = false;
  private paused = false;

  /** Connects and sends the request; resolves once a 2xx head arrived, else rejects with DockerApiError. */
  static async open(options: PacedStreamOptions): Promise<PacedStream> {
    const stream = new PacedStream(options);
    await stream.head;
    return stream;
  }

  private constructor(private readonly options: PacedStreamOptions) {
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
    const { endpoint } = options;
    const request = `GET ${options.path} HTTP/1.1\r\nHost: docker\r\n\r\n`;
    if (endpoint.kind === 'tcp' && endpoint.tls) {
      // A TLS socket takes no `onread`: its plain text comes as 'data' events, paused the usual way.
      const { host, port } = endpoint;
      this.socket = tls.connect({ host, port, servername: host, ...endpoint.tls }, () =>
        this.socket.write(request),
      );
      this.socket.on('data', (data: Buffer) => {
        if (!this.onRead(data)) this.socket.pause();
      });
    } else {
      const target =
        endpoint.kind === 'unix'
          ? { path: endpoint.socketPath }
          : { host: endpoint.host, port: endpoint.port };
      const buffer = READ_BUFFER;
      this.socket = net.connect(
        // Returning false pauses the socket: libuv stops reading until resume().
        { ...target, onread: { buffer, callback: (n) => this.onRead(buffer.subarray(0, n)) } },
        () => this.socket.write(request),
      );
    }
    this.socket.setTimeout(options.timeoutMs, () =>
      this.fail(new Error(`no answer within ${options.timeoutMs} ms`)),
    );
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () =>
      this.opened ? this.finish() : this.fail(new Error('the daemon closed the connection before answering')),
    );
  }

  /** One read; false stops reading (until the next round, or `release`). */
  private onRead(data: Buffer): boolean {
    let body: Buffer;
    try {
      body = this.decoder.push(data);
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
    if (!this.opened) {
      const status = this.decoder.status;
      if (status === undefined) return true;
      if (status < 200 || status >= 300) {
        // The daemon says why in a small JSON body: wait for all of it.
        this.errorBody.push(body);
        if (!this.decoder.complete) return true;
        const why = errorMessage(Buffer.concat(this.errorBody));
        this.fail(new DockerApiError(`GET ${this.options.path}: ${status} ${why}`, status));
        return false;
      }
      this.opened = true;
      this.socket.setTimeout(0);
      this.resolveHead();
    }
    if (body.length > 0) this.options.onBody(body);
    if (this.decoder.complete) {
      this.finish();
      return false;
    }
    if (this.held || data.length < FULL_READ_BYTES) {
      this.paused = true;
      if (!this.held) this.options.pacer.wait(this);
      return false;
    }
    return true;
  }

  /** The pacer's round: read what came since the last read. */
  wake(): void {
    if (this.held || this.ended || !this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Stops reading until `release()` (the pipeline is full); the daemon holds the rest. */
  hold(): void {
    this.held = true;
    this.options.pacer.forget(this);
    if (!this.paused && !this.ended) {
      this.paused = true;
      this.socket.pause();
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.wake();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    const apiError =
      error instanceof DockerApiError
        ? error
        : new DockerApiError(`GET ${this.options.path}: ${error.message}`, undefined, { cause: error });
    this.ended = true;
    this.options.pacer.forget(this);
    (this.opened ? this.rejectDone : this.rejectHead)(apiError);
    this.socket.destroy();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.pacer.forget(this);
    this.socket.destroy();
    this.resolveDone();
  }
}
