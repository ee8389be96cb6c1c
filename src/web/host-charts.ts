/** What the host page charts: CPU, memory, disk space, network and disk I/O, as metric queries. */
import { hostSelector, quoteLabelValue, type QueryResult } from './api.ts';
import { BYTE_INCREMENTS, formatBytes, formatDecimal } from './format.ts';
import type { ChartSpec } from './metric-panel.ts';
import { byTimestamp, subtract } from './series.ts';

const percent = (v: number): string => `${formatDecimal(v)} %`;
const perSecond = (v: number): string => `${formatBytes(v)}/s`;

/** used = first − second (total − available), then the total. */
function usedOfTotal(results: QueryResult[]): Array<Map<number, number>> {
  const total = byTimestamp(results[0]!);
  return [subtract(total, byTimestamp(results[1]!)), total];
}

export function hostCharts(host: string): ChartSpec[] {
  const h = quoteLabelValue(host);
  const summed = (metric: string, extra = ''): string => `sum by (host) (rate(${metric}{host=${h}${extra}}))`;
  return [
    {
      title: 'CPU',
      testId: 'chart-cpu',
      lines: [{ label: 'busy', stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.12)' }],
      formatValue: percent,
      formatTick: (v) => `${Math.round(v)} %`,
      yRange: [0, 100],
      queries: [hostSelector('node_cpu_usage_percent', host)],
    },
    {
      title: 'Memory',
      testId: 'chart-memory',
      lines: [
        { label: 'used', stroke: '#7c3aed', fill: 'rgba(124, 58, 237, 0.12)' },
        { label: 'total', stroke: '#94a3b8', dash: [6, 4] },
      ],
      formatValue: formatBytes,
      yIncrements: BYTE_INCREMENTS,
      queries: [
        hostSelector('node_memory_MemTotal_bytes', host),
        hostSelector('node_memory_MemAvailable_bytes', host),
      ],
      combine: usedOfTotal,
    },
    {
      title: 'Disk space (all filesystems)',
      testId: 'chart-disk',
      lines: [
        { label: 'used', stroke: '#0d9488', fill: 'rgba(13, 148, 136, 0.12)' },
        { label: 'size', stroke: '#94a3b8', dash: [6, 4] },
      ],
      formatValue: formatBytes,
      yIncrements: BYTE_INCREMENTS,
      queries: [
        `sum by (host) (node_filesystem_size_bytes{host=${h}})`,
        `sum by (host) (node_filesystem_avail_bytes{host=${h}})`,
      ],
      combine: usedOfTotal,
    },
    {
      title: 'Network',
      testId: 'chart-network',
      lines: [
        { label: 'received', stroke: '#0284c7' },
        { label: 'sent', stroke: '#ea580c' },
      ],
      formatValue: perSecond,
      queries: [
        summed('node_network_receive_bytes_total', ', device!="lo"'),
        summed('node_network_transmit_bytes_total', ', device!="lo"'),
      ],
    },
    {
      title: 'Disk I/O',
      testId: 'chart-disk-io',
      lines: [
        { label: 'read', stroke: '#16a34a' },
        { label: 'written', stroke: '#c026d3' },
      ],
      formatValue: perSecond,
      queries: [summed('node_disk_read_bytes_total'), summed('node_disk_written_bytes_total')],
    },
  ];
}
