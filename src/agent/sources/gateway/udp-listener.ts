import dgram from 'node:dgram';
import type { Emit, Source } from '../source.ts';
import { listenError, type ListenerConfig } from './config.ts';
import { LineProcessor } from './line-processor.ts';
import type { ListenerDeps } from './tcp-listener.ts';

/**
 * A UDP listener: each datagram is one message (or several newline-separated lines), parsed on its
 * own. UDP cannot push back, so when the pipeline is full the pipeline drops and counts.
 */
export class UdpListenerSource implements Source {
  readonly kind = 'gateway';
  readonly id: string;
  readonly token: string | undefined;
  private socket: dgram.Socket | undefined;
  private listening: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly perDatagram: ListenerConfig;

  constructor(
    private readonly listener: ListenerConfig,
    private readonly deps: ListenerDeps,
  ) {
    this.id = `gateway:${listener.name ?? 'udp'}:${listener.port}`;
    this.token = listener.token;
    this.perDatagram = {
      ...listener,
      framing: 'newline',
      multiline: { ...listener.multiline, enabled: false },
    };
  }

  start(emit: Emit): void {
    const l = this.listener;
    const socket = dgram.createSocket(l.bind_address.includes(':') ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', (message) => {
      const processor = new LineProcessor(
        this.perDatagram,
        { host: this.deps.host, source: 'gateway' },
        this.deps.stats,
      );
      const now = Date.now();
      const records = processor.push(message, now).concat(processor.end(now));
      this.deps.stats.publish();
      if (records.length > 0) emit({ logs: records });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.deps.error(error.code ?? 'socket_error'));
    this.listening = new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(l.port, l.bind_address, () => {
        socket.off('error', reject);
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
    return `udp://${this.listener.bind_address}:${this.listener.port}`;
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise((resolve) => {
      if (!this.socket) return resolve();
      this.socket.close(() => resolve());
    });
    return this.stopped;
  }
}
