import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../../core/logger.ts';
import type { LogRecord } from '../../../model/index.ts';
import type { Emit, Flow, Source } from '../source.ts';
import { listenError, type ListenerConfig } from './config.ts';
import { LineProcessor, type ListenerStats } from './line-processor.ts';
import { tlsOptions } from './tls-options.ts';

/** Records per emit when a chunk must wait for room. */
const SLICE_RECORDS = 1000;

export interface ListenerDeps {
  host: string;
  log: Logger;
  stats: ListenerStats;
  /** Counts a connection refused or failed, by reason. */
  error: (reason: string) => void;
}

/**
 * A TCP (or TLS) listener. Each connection has its own framer, parser and multiline state.
 * Backpressure: when the pipeline has no room, the connection stops reading (the sender's writes
 * block in TCP) until acknowledgements free space, so memory stays bounded and nothing is dropped.
 * A connection that closes, errs or idles out first hands over its half line and pending trace.
 */
export class TcpListenerSource implements Source {
  readonly kind = 'gateway';
  readonly id: string;
  readonly token: string | undefined;
  private server: net.Server | undefined;
  private listening: Promise<void> | undefined;
  private readonly connections = new Set<{ socket: Socket; finish: () => void }>();
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly listener: ListenerConfig,
    private readonly deps: ListenerDeps,
  ) {
    this.id = `gateway:${listener.name ?? 'tcp'}:${listener.port}`;
    this.token = listener.token;
  }

  start(emit: Emit, flow: Flow): void {
    const l = this.listener;
    const onSocket = (socket: Socket) => this.serve(socket, emit, flow);
    this.server = l.tls
      ? tls
          .createServer(tlsOptions(l.tls, `gateway listener ${l.name ?? l.port} tls`))
          .on('secureConnection', onSocket)
      : net.createServer(onSocket);
    this.server.maxConnections = l.max_connections;
    this.server.on('drop', () => this.deps.error('max_connections'));
    this.server.on('tlsClientError', () => this.deps.error('tls_handshake'));
    const server = this.server;
    this.listening = new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(l.port, l.bind_address, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  ready(): Promise<void> {
    return (this.listening ?? Promise.resolve()).catch((error: unknown) => {
      throw listenError(error, this.listener);
    });
  }

  describe(): string {
    const scheme = this.listener.tls ? 'tls' : 'tcp';
    return `${scheme}://${this.listener.bind_address}:${this.listener.port}`;
  }

  private serve(socket: Socket, emit: Emit, flow: Flow): void {
    const l = this.listener;
    const processor = new LineProcessor(l, { host: this.deps.host, source: 'gateway' }, this.deps.stats);
    let queued = 0;
    let tail = Promise.resolve();
    let idleFlush: NodeJS.Timeout | undefined;

    const deliver = (records: LogRecord[]) => {
      this.deps.stats.publish();
      if (records.length === 0) return;
      if (queued === 0 && records.length <= flow.capacity && flow.room(records.length) === undefined) {
        emit({ logs: records });
        return;
      }
      queued++;
      socket.pause();
      tail = tail.then(async () => {
        // Slices no larger than the pipeline, each emitted only when it fits, so none is dropped.
        const step = Math.max(1, Math.min(flow.capacity, SLICE_RECORDS));
        for (let i = 0; i < records.length; i += step) {
          const slice = records.slice(i, i + step);
          for (let wait = flow.room(slice.length); wait; wait = flow.room(slice.length)) await wait;
          emit({ logs: slice });
        }
        if (--queued === 0 && !socket.destroyed) socket.resume();
      });
    };
    const armIdleFlush = () => {
      clearTimeout(idleFlush);
      if (processor.pending === 0) return;
      idleFlush = setTimeout(() => {
        deliver(processor.flushIdle(Date.now()));
        armIdleFlush();
      }, l.multiline.flush_timeout_ms);
    };
    let finished = false;
    const connection = {
      socket,
      finish: () => {
        if (finished) return;
        finished = true;
        clearTimeout(idleFlush);
        this.connections.delete(connection);
        deliver(processor.end(Date.now()));
      },
    };
    this.connections.add(connection);

    socket.setTimeout(l.idle_timeout_ms, () => socket.end());
    socket.on('data', (chunk: Buffer) => {
      deliver(processor.push(chunk, Date.now()));
      armIdleFlush();
    });
    socket.on('end', connection.finish);
    socket.on('close', connection.finish);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.deps.error(error.code ?? 'socket_error');
      this.deps.log.debug({ err: error, listener: this.id }, 'gateway connection error');
    });
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const server = this.server;
      if (!server) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of [...this.connections]) {
        connection.finish();
        connection.socket.destroy();
      }
      await closed;
    })();
    return this.stopped;
  }
}
