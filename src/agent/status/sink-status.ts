import type { Telemetry } from '../../core/telemetry.ts';

/**
 * What one shipper knows about its own health: how fast it drains the buffer (bytes and entries
 * acknowledged per second, over a sliding window of whole seconds) and the last delivery error.
 * Fed by the shipper, read by /metrics, /status, the catch-up log and the agent's self-report.
 */
export class SinkStatus {
  /** Per-second buckets of the last `windowS` seconds: [second, bytes, entries]. */
  private readonly buckets: Array<[number, number, number]> = [];
  private readonly started = Date.now();
  lastError: { ts: number; message: string } | undefined;

  constructor(
    readonly sinkId: string,
    private readonly windowS = 30,
  ) {}

  drained(bytes: number, entries: number, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    const last = this.buckets.at(-1);
    if (last && last[0] === second) {
      last[1] += bytes;
      last[2] += entries;
    } else this.buckets.push([second, bytes, entries]);
    while (this.buckets.length > 0 && this.buckets[0]![0] <= second - this.windowS) this.buckets.shift();
  }

  failed(message: string, now = Date.now()): void {
    this.lastError = { ts: now, message };
  }

  /** Average over the window (or since start, when younger), so a burst does not read as a rate. */
  rate(now = Date.now()): { bytes_per_second: number; entries_per_second: number } {
    const second = Math.floor(now / 1000);
    let bytes = 0;
    let entries = 0;
    for (const [s, b, e] of this.buckets) {
      if (s <= second - this.windowS) continue;
      bytes += b;
      entries += e;
    }
    const span = Math.max(1, Math.min(this.windowS, (now - this.started) / 1000));
    return { bytes_per_second: bytes / span, entries_per_second: entries / span };
  }
}

/** Drain-rate gauges for /metrics, computed when scraped. */
export function registerDrainGauges(telemetry: Telemetry, buffer: string, status: SinkStatus): () => void {
  const labels = { buffer, sink: status.sinkId };
  const removers = [
    telemetry.gauge(
      'agent_buffer_drain_bytes_per_second',
      'Bytes a sink acknowledged out of the disk buffer per second, over the last 30 s.',
      () => [{ labels, value: status.rate().bytes_per_second }],
    ),
    telemetry.gauge(
      'agent_buffer_drain_entries_per_second',
      'Buffer entries (batches) a sink acknowledged per second, over the last 30 s.',
      () => [{ labels, value: status.rate().entries_per_second }],
    ),
  ];
  return () => removers.forEach((remove) => remove());
}
