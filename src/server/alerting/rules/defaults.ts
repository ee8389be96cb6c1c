import type { RuleInput } from './rule-schema.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Anomaly rules for the core metrics. Quiet by design: low sensitivity (bounds at 6 robust σ),
 * three days of history before anything is flagged, half of a 30-minute window outside the bounds
 * and then still for 15 minutes before a notification; severity info. Marks are recorded all the
 * same, so the charts show every anomaly even when nobody is paged.
 */
function anomaly(id: string, name: string, query: string, what: string): RuleInput {
  return {
    id,
    name,
    type: 'anomaly',
    query,
    sensitivity: 'low',
    window_ms: 30 * MINUTE,
    min_share: 0.5,
    for_ms: 15 * MINUTE,
    severity: 'info',
    summary: `${what} is unusual: {{value}} where about {{baseline}} is normal`,
  };
}

/**
 * The rules a fresh install runs. They aim to be quiet enough that an operator leaves them on:
 * each fires on a state that needs a human, with a `for_ms` that rides out a single bad sample.
 * A config rule with the same id replaces a default; `server.alerting.default_rules: false` drops
 * them all.
 */
export const DEFAULT_RULES: readonly RuleInput[] = [
  {
    id: 'host-down',
    name: 'HostDown',
    type: 'absence',
    after_ms: 120_000,
    severity: 'critical',
    summary: 'Host {{host}} has sent nothing for {{value_duration}}',
  },
  {
    // Linear fit over 6 h: a disk that a log burst fills for a minute does not page; a steady leak does.
    id: 'disk-filling',
    name: 'DiskFilling',
    type: 'predictive',
    query: 'node_filesystem_avail_bytes',
    window_ms: 6 * HOUR,
    horizon_ms: 24 * HOUR,
    for_ms: 30 * MINUTE,
    severity: 'warning',
    summary: 'Filesystem {{mountpoint}} on {{host}} will be full in {{value_duration}} at the current rate',
  },
  {
    id: 'disk-space-low',
    name: 'DiskSpaceLow',
    type: 'threshold',
    query: 'node_filesystem_avail_bytes',
    divide_by: 'node_filesystem_size_bytes',
    comparison: '<',
    threshold: 0.05,
    for_ms: 5 * MINUTE,
    severity: 'warning',
    summary: 'Filesystem {{mountpoint}} on {{host}} has {{value_percent}} space left',
  },
  {
    id: 'memory-pressure',
    name: 'MemoryPressure',
    type: 'threshold',
    query: 'node_memory_MemAvailable_bytes',
    divide_by: 'node_memory_MemTotal_bytes',
    comparison: '<',
    threshold: 0.05,
    for_ms: 300_000,
    severity: 'warning',
    summary: 'Host {{host}} has {{value_percent}} memory available',
  },
  {
    id: 'container-oom',
    name: 'ContainerOOM',
    type: 'event',
    query: 'kind:container AND action:oom',
    window_ms: 600_000,
    min_count: 1,
    group_by: ['host', 'actor.name'],
    severity: 'warning',
    summary: 'Container {{actor_name}} on {{host}} was OOM-killed {{value}} time(s) in 10 minutes',
  },
  {
    // Docker reports a restart-policy restart as die + start; `die` counts every kind of restart.
    id: 'restart-loop',
    name: 'ContainerRestartLoop',
    type: 'event',
    query: 'kind:container AND action:die',
    window_ms: 600_000,
    min_count: 4,
    group_by: ['host', 'actor.name'],
    severity: 'warning',
    summary: 'Container {{actor_name}} on {{host}} restarted {{value}} times in 10 minutes',
  },
  anomaly('host-cpu-anomaly', 'HostCPUAnomaly', 'node_cpu_usage_percent', 'CPU use on {{host}}'),
  anomaly('host-memory-anomaly', 'HostMemoryAnomaly', 'node_memory_MemUsed_bytes', 'Memory use on {{host}}'),
  anomaly('host-load-anomaly', 'HostLoadAnomaly', 'node_load5', 'Load on {{host}}'),
  anomaly(
    'host-network-anomaly',
    'HostNetworkAnomaly',
    'rate(node_network_receive_bytes_total)',
    'Network traffic on {{host}} {{device}}',
  ),
  anomaly(
    'container-cpu-anomaly',
    'ContainerCPUAnomaly',
    'rate(container_cpu_usage_seconds_total)',
    'CPU use of container {{name}} on {{host}}',
  ),
  anomaly(
    'container-memory-anomaly',
    'ContainerMemoryAnomaly',
    'container_memory_working_set_bytes',
    'Memory use of container {{name}} on {{host}}',
  ),
  {
    // Errors per service against the service's own daily/weekly rhythm; only rises count, and
    // fewer than 20 errors in 5 minutes never alert however unusual.
    id: 'log-error-rate',
    name: 'LogErrorRateAnomaly',
    type: 'log_count',
    mode: 'baseline',
    query: 'severity:<=3',
    window_ms: 5 * MINUTE,
    group_by: ['host', 'service'],
    threshold: 20,
    sensitivity: 'low',
    for_ms: 10 * MINUTE,
    severity: 'warning',
    summary: '{{value}} errors from {{service}} on {{host}} in 5 minutes where about {{baseline}} is normal',
  },
];
