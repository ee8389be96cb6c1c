/** What a container page charts: memory against its limit, CPU, network and block I/O (cAdvisor names). */
import { quoteLabelValue, type QueryResult } from './api.ts';
import type { Scope } from './correlate.ts';
import { BYTE_INCREMENTS, formatBytes, formatDecimal } from './format.ts';
import type { ChartSpec } from './metric-panel.ts';
import { byTimestamp } from './series.ts';

const perSecond = (v: number): string => `${formatBytes(v)}/s`;

export function containerCharts(scope: Required<Scope>): ChartSpec[] {
  const selector = (metric: string): string =>
    `${metric}{host=${quoteLabelValue(scope.host)}, name=${quoteLabelValue(scope.container)}}`;
  const rate = (metric: string): string => `sum by (name) (rate(${selector(metric)}))`;
  return [
    {
      title: 'Memory (working set) and limit',
      testId: 'chart-container-memory',
      lines: [
        { label: 'working set', stroke: '#7c3aed', fill: 'rgba(124, 58, 237, 0.12)' },
        { label: 'limit', stroke: '#dc2626', dash: [6, 4] },
      ],
      formatValue: formatBytes,
      yIncrements: BYTE_INCREMENTS,
      queries: [
        selector('container_memory_working_set_bytes'),
        selector('container_spec_memory_limit_bytes'),
      ],
      // cAdvisor reports "no limit" as 0: no line rather than a line on the floor.
      combine: (results: QueryResult[]) => {
        const limit = byTimestamp(results[1]!);
        for (const [ts, v] of limit) if (v <= 0) limit.delete(ts);
        return [byTimestamp(results[0]!), limit];
      },
    },
    {
      title: 'CPU (100 % = one core)',
      testId: 'chart-container-cpu',
      lines: [{ label: 'cpu', stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.12)' }],
      formatValue: (v) => `${formatDecimal(v)} %`,
      formatTick: (v) => `${Math.round(v)} %`,
      queries: [selector('container_cpu_usage_percent')],
    },
    {
      title: 'Network',
      testId: 'chart-container-network',
      lines: [
        { label: 'received', stroke: '#0284c7' },
        { label: 'sent', stroke: '#ea580c' },
      ],
      formatValue: perSecond,
      queries: [
        rate('container_network_receive_bytes_total'),
        rate('container_network_transmit_bytes_total'),
      ],
    },
    {
      title: 'Block I/O',
      testId: 'chart-container-io',
      lines: [
        { label: 'read', stroke: '#16a34a' },
        { label: 'written', stroke: '#c026d3' },
      ],
      formatValue: perSecond,
      queries: [rate('container_fs_reads_bytes_total'), rate('container_fs_writes_bytes_total')],
    },
  ];
}
