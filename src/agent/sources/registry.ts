import type { Config } from '../../config/index.ts';
import { dockerSource } from './docker/index.ts';
import { gatewaySources } from './gateway/index.ts';
import { HostMetricsSource } from './host-metrics/host-metrics.ts';
import { journaldSource } from './journald/journald.ts';
import type { Source, SourceContext } from './source.ts';

/**
 * Every source, listed by hand; each returns undefined when its config turns it off, or several
 * sources when it has several listeners.
 */
export const SOURCES: Record<
  string,
  (config: Readonly<Config>, context: SourceContext) => Source | Source[] | undefined
> = {
  host_metrics: (config, context) =>
    config.agent.host_metrics.enabled ? new HostMetricsSource(config.agent.host_metrics, context) : undefined,
  gateway: (config, context) => gatewaySources(config.agent.gateway, context),
  journald: (config, context) => journaldSource(config.agent.journald, context),
  docker: (config, context) => dockerSource(config.agent.docker, context),
};
