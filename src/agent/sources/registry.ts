import type { Config } from '../../config/index.ts';
import { HostMetricsSource } from './host-metrics/host-metrics.ts';
import type { Source, SourceContext } from './source.ts';

/** Every source, listed by hand; each returns undefined when its config turns it off. */
export const SOURCES: Record<
  string,
  (config: Readonly<Config>, context: SourceContext) => Source | undefined
> = {
  host_metrics: (config, context) =>
    config.agent.host_metrics.enabled ? new HostMetricsSource(config.agent.host_metrics, context) : undefined,
};
