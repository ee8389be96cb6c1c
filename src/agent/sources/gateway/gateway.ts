import { componentCounters, Telemetry } from '../../../core/telemetry.ts';
import type { Source, SourceContext } from '../source.ts';
import { listenersOf, type GatewayConfig } from './config.ts';
import { ListenerStats } from './line-processor.ts';
import { TcpListenerSource } from './tcp-listener.ts';
import { UdpListenerSource } from './udp-listener.ts';

/** One source per listener, so each can carry its own token (tenant). */
export function gatewaySources(config: GatewayConfig, context: SourceContext): Source[] {
  const telemetry = context.telemetry ?? new Telemetry();
  return listenersOf(config).map((listener) => {
    const id = `gateway:${listener.name ?? listener.protocol}:${listener.port}`;
    const counters = componentCounters(telemetry, 'source', id);
    const deps = {
      host: context.hostName,
      log: context.log,
      stats: new ListenerStats(telemetry, counters, id),
      error: (reason: string) => counters.error('receive', reason),
    };
    return listener.protocol === 'udp'
      ? new UdpListenerSource(listener, deps)
      : new TcpListenerSource(listener, deps);
  });
}
