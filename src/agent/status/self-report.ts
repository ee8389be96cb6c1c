import type { Telemetry } from '../../core/telemetry.ts';
import type { MetricSample } from '../../model/index.ts';
import type { Emit } from '../sources/source.ts';
import type { AgentStatus } from './agent-status.ts';

const KINDS = ['source', 'pipeline', 'buffer', 'sink'];

/**
 * The agent's own health as ordinary metric samples (`birdseye_agent_*`, labelled with its host),
 * shipped through its own pipeline: the server learns about its agents from data it already
 * stores, with nothing new on the wire. What /api/v1/agents and the Status page show comes from here.
 */
export function selfReportSamples(
  status: AgentStatus,
  telemetry: Telemetry,
  now = Date.now(),
): MetricSample[] {
  const host = status.host;
  const sample = (name: string, value: number, extra: Record<string, string> = {}): MetricSample => ({
    name,
    labels: { host, ...extra },
    value,
    ts: now,
  });
  const across = (name: string) =>
    KINDS.reduce((sum, kind) => sum + telemetry.sum(name, { component_kind: kind }), 0);
  const buffers = status.buffers;
  return [
    sample('birdseye_agent_info', 1, { version: status.version }),
    sample('birdseye_agent_uptime_seconds', status.uptime_seconds),
    sample(
      'birdseye_agent_received_events_total',
      status.sources.reduce((sum, s) => sum + s.received_events, 0),
    ),
    sample('birdseye_agent_received_log_records_total', status.received_log_records),
    sample(
      'birdseye_agent_sent_events_total',
      status.sinks.reduce((sum, s) => sum + s.sent_events, 0),
    ),
    sample('birdseye_agent_errors_total', across('component_errors_total')),
    sample('birdseye_agent_dropped_events_total', across('component_discarded_events_total')),
    sample(
      'birdseye_agent_buffer_backlog_bytes',
      buffers.reduce((sum, b) => sum + b.backlog_bytes, 0),
    ),
    sample(
      'birdseye_agent_buffer_backlog_entries',
      buffers.reduce((sum, b) => sum + b.backlog_entries, 0),
    ),
    sample(
      'birdseye_agent_buffer_oldest_age_seconds',
      buffers.reduce((max, b) => Math.max(max, b.oldest_age_seconds), 0),
    ),
    sample(
      'birdseye_agent_buffer_drain_bytes_per_second',
      buffers.reduce((sum, b) => sum + b.drain_bytes_per_second, 0),
    ),
  ];
}

/** Emits the self-report every `intervalMs`, first soon after start. */
export function startSelfReport(
  emit: Emit,
  status: () => AgentStatus,
  telemetry: Telemetry,
  intervalMs: number,
): () => void {
  const report = () => emit({ metrics: selfReportSamples(status(), telemetry) });
  const first = setTimeout(report, Math.min(1000, intervalMs));
  const timer = setInterval(report, intervalMs);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
