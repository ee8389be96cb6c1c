import type { RuleInput } from './rule-schema.ts';

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
    id: 'disk-filling',
    name: 'DiskFilling',
    type: 'threshold',
    query: 'node_filesystem_avail_bytes',
    divide_by: 'node_filesystem_size_bytes',
    comparison: '<',
    threshold: 0.1,
    for_ms: 300_000,
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
];
