import type { Config } from '../../config/index.ts';
import type { Logger } from '../../core/logger.ts';
import { componentCounters, type Telemetry } from '../../core/telemetry.ts';
import { clientTls, type ClientTls } from '../../core/tls-client.ts';
import { BirdseyeSink } from './birdseye/birdseye-sink.ts';
import { ElasticsearchSink } from './elasticsearch/elasticsearch-sink.ts';
import { FileSink } from './ndjson/file-sink.ts';
import { StdoutSink } from './ndjson/stdout-sink.ts';
import { RemoteWriteSink } from './prometheus-remote-write/prometheus-remote-write-sink.ts';
import type { Sink } from './sink.ts';

export interface SinkTarget {
  serverUrl: string;
  token: string;
  /** Overrides agent.tls (e.g. `birdseye up` pins its own server's certificate). */
  tls?: ClientTls;
  /** For sinks that count and log per-item outcomes themselves. */
  telemetry?: Telemetry;
  log?: Logger;
}

/** Every sink, listed by hand; each returns undefined when its config leaves it off. */
export const SINKS: Record<string, (config: Readonly<Config>, target: SinkTarget) => Sink | undefined> = {
  birdseye: (config, target) =>
    new BirdseyeSink({
      serverUrl: target.serverUrl,
      token: target.token,
      timeoutMs: config.agent.request_timeout_ms,
      tls: target.tls ?? clientTls(config.agent.tls, 'agent.tls'),
    }),
  elasticsearch: (config, target) => {
    const sink = config.agent.sinks.elasticsearch;
    if (!sink || !target.telemetry || !target.log) return undefined;
    return new ElasticsearchSink({
      config: sink,
      token: target.token,
      counters: componentCounters(target.telemetry, 'sink', `elasticsearch:${new URL(sink.url).host}`),
      log: target.log,
    });
  },
  prometheus_remote_write: (config) => {
    const sink = config.agent.sinks.prometheus_remote_write;
    return sink ? new RemoteWriteSink(sink) : undefined;
  },
  stdout: (config) => (config.agent.sinks.stdout ? new StdoutSink() : undefined),
  file: (config) => (config.agent.sinks.file ? new FileSink(config.agent.sinks.file) : undefined),
};
