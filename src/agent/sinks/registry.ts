import type { Config } from '../../config/index.ts';
import { clientTls, type ClientTls } from '../../core/tls-client.ts';
import { BirdseyeSink } from './birdseye/birdseye-sink.ts';
import type { Sink } from './sink.ts';

export interface SinkTarget {
  serverUrl: string;
  token: string;
  /** Overrides agent.tls (e.g. `birdseye up` pins its own server's certificate). */
  tls?: ClientTls;
}

/** Every sink, listed by hand. */
export const SINKS: Record<string, (config: Readonly<Config>, target: SinkTarget) => Sink> = {
  birdseye: (config, target) =>
    new BirdseyeSink({
      serverUrl: target.serverUrl,
      token: target.token,
      timeoutMs: config.agent.request_timeout_ms,
      tls: target.tls ?? clientTls(config.agent.tls, 'agent.tls'),
    }),
};
