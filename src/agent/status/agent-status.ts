import type { Telemetry } from '../../core/telemetry.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Source } from '../sources/source.ts';

export interface AgentStatusInput {
  readonly version: string;
  readonly hostName: string;
  readonly serverUrl: string;
  readonly startedTs: number;
  readonly telemetry: Telemetry;
  readonly sources: readonly Source[];
  readonly pipelines: readonly Pipeline[];
}

export interface AgentStatus {
  version: string;
  host: string;
  server_url: string;
  uptime_seconds: number;
  sources: Array<{
    id: string;
    kind: string;
    received_events: number;
    errors: number;
    dropped_events: number;
    position: string | null;
  }>;
  buffers: Array<{
    id: string;
    sink: string;
    backlog_bytes: number;
    backlog_entries: number;
    oldest_age_seconds: number;
    disk_bytes: number;
    max_size_bytes: number;
    drain_bytes_per_second: number;
    drain_entries_per_second: number;
  }>;
  sinks: Array<{
    id: string;
    sent_events: number;
    sent_bytes: number;
    dropped_events: number;
    errors: number;
    last_error: { ts: number; message: string } | null;
  }>;
  received_log_records: number;
  last_error: { ts: number; sink: string; message: string } | null;
}

/** One JSON picture of the agent for `/status` and `birdseye agent status`, read from live state. */
export function agentStatus(input: AgentStatusInput, now = Date.now()): AgentStatus {
  const t = input.telemetry;
  const of = (kind: string, id: string) => ({ component_kind: kind, component_id: id });
  const sinks = new Map<string, AgentStatus['sinks'][number]>();
  let lastError: AgentStatus['last_error'] = null;
  for (const status of input.pipelines.flatMap((pipeline) => pipeline.sinkStatuses)) {
    const error = status.lastError ?? null;
    if (error && (!lastError || error.ts > lastError.ts)) lastError = { ...error, sink: status.sinkId };
    const known = sinks.get(status.sinkId);
    if (known) {
      if (error && (!known.last_error || error.ts > known.last_error.ts)) known.last_error = error;
      continue;
    }
    const labels = of('sink', status.sinkId);
    sinks.set(status.sinkId, {
      id: status.sinkId,
      sent_events: t.sum('component_sent_events_total', labels),
      sent_bytes: t.sum('component_sent_bytes_total', labels),
      dropped_events: t.sum('component_discarded_events_total', labels),
      errors: t.sum('component_errors_total', labels),
      last_error: error,
    });
  }
  return {
    version: input.version,
    host: input.hostName,
    server_url: input.serverUrl,
    uptime_seconds: Math.round((now - input.startedTs) / 1000),
    sources: input.sources.map((source) => {
      const labels = of('source', source.id);
      const position = input.pipelines.map((p) => p.positions.get(source.id)).find((v) => v !== undefined);
      return {
        id: source.id,
        kind: source.kind,
        received_events: t.sum('component_received_events_total', labels),
        errors: t.sum('component_errors_total', labels),
        dropped_events: t.sum('component_discarded_events_total', labels),
        position: position ?? null,
      };
    }),
    buffers: input.pipelines.map((pipeline) => {
      const stats = pipeline.buffer.stats();
      const rate = pipeline.sinkStatus.rate(now);
      return {
        id: pipeline.id,
        sink: pipeline.sinkStatus.sinkId,
        backlog_bytes: stats.bytes,
        backlog_entries: stats.entries,
        oldest_age_seconds:
          stats.oldest_append_ts === null ? 0 : Math.max(0, (now - stats.oldest_append_ts) / 1000),
        disk_bytes: stats.disk_bytes,
        max_size_bytes: pipeline.buffer.config.max_size_bytes,
        drain_bytes_per_second: rate.bytes_per_second,
        drain_entries_per_second: rate.entries_per_second,
      };
    }),
    sinks: [...sinks.values()],
    received_log_records: t.sum('agent_received_log_records_total'),
    last_error: lastError,
  };
}
