import type { Telemetry } from '../../core/telemetry.ts';
import type { Segment } from './segment.ts';

export interface BufferStats {
  /** Entries appended and not yet acknowledged. */
  entries: number;
  /** Bytes of those entries on disk, record headers included. */
  bytes: number;
  /** Bytes of every segment file, acknowledged-but-not-yet-deleted records included; ≤ max_size_bytes. */
  disk_bytes: number;
  /** Append time (epoch ms) of the oldest unacknowledged entry; null when there is none. */
  oldest_append_ts: number | null;
  acked_id: number;
  /** Last id whose append resolved; 0 before the first. */
  last_id: number;
  /** Next id read() will return (the in-memory read cursor). */
  read_id: number;
  /** Appends refused by `when_full: drop_newest`. */
  dropped_full: number;
  /** Damaged or torn segment tails cut off at open. */
  torn_tail_truncations: number;
  /** Records that failed their checksum when read back and were skipped. */
  corrupt_skipped: number;
}

/** Entries and record bytes with ids in (afterId, upToId], across segments (which may leave id gaps). */
export function span(
  segments: readonly Segment[],
  afterId: number,
  upToId: number,
): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  for (const segment of segments) {
    const from = Math.max(afterId + 1, segment.firstId);
    const to = Math.min(upToId, segment.lastId);
    if (to < from) continue;
    entries += to - from + 1;
    bytes += segment.offsetOf(to + 1) - segment.offsetOf(from);
  }
  return { entries, bytes };
}

export function oldestTimestamp(segments: readonly Segment[], acked: number): number | null {
  for (const segment of segments) {
    if (segment.lastId <= acked) continue;
    return segment.timestampOf(Math.max(acked + 1, segment.firstId)) ?? null;
  }
  return null;
}

/** Backlog gauges for /metrics; computed when scraped, so they cost nothing between scrapes. */
export function registerBufferGauges(telemetry: Telemetry, id: string, stats: () => BufferStats): () => void {
  const labels = { buffer: id };
  const removers = [
    telemetry.gauge(
      'agent_buffer_bytes',
      'Bytes in the disk buffer not yet acknowledged by the server.',
      () => [{ labels, value: stats().bytes }],
    ),
    telemetry.gauge('agent_buffer_entries', 'Entries in the disk buffer not yet acknowledged.', () => [
      { labels, value: stats().entries },
    ]),
    telemetry.gauge(
      'agent_buffer_disk_bytes',
      'Bytes of the disk buffer files, bounded by max_size_bytes.',
      () => [{ labels, value: stats().disk_bytes }],
    ),
    telemetry.gauge(
      'agent_buffer_oldest_age_seconds',
      'Age of the oldest unacknowledged entry in the disk buffer; 0 when empty.',
      () => {
        const oldest = stats().oldest_append_ts;
        return [{ labels, value: oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000) }];
      },
    ),
  ];
  return () => removers.forEach((remove) => remove());
}
