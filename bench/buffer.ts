/**
 * The agent's disk buffer alone: append rate (every append on disk before it resolves, as the
 * pipeline uses it) and drain rate (read + ack, segments deleted as they empty), in MB/s and
 * entries/s, for small and batch-sized entries. End-to-end agent → server throughput with the buffer
 * on is what bench/gateway.ts measures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskBuffer } from '../src/agent/buffer/index.ts';

const TOTAL_BYTES = Number(process.env.BENCH_BUFFER_BYTES ?? 256 * 1024 * 1024);

async function run(entryBytes: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-buffer-'));
  const count = Math.floor(TOTAL_BYTES / entryBytes);
  const payload = Buffer.alloc(entryBytes, 'x');
  const buffer = await DiskBuffer.open({ dir, config: { max_size_bytes: TOTAL_BYTES * 2 } });
  try {
    const appendStart = process.hrtime.bigint();
    // Appends in flight together, as several sources write at once; each resolves once on disk.
    for (let done = 0; done < count; done += 64) {
      const n = Math.min(64, count - done);
      await Promise.all(Array.from({ length: n }, () => buffer.append(payload)));
    }
    const appendS = Number(process.hrtime.bigint() - appendStart) / 1e9;

    const drainStart = process.hrtime.bigint();
    let drained = 0;
    while (drained < count) {
      const entries = await buffer.read(500, 8 * 1024 * 1024, { wait: false });
      if (entries.length === 0) break;
      await buffer.ack(entries.at(-1)!.id);
      drained += entries.length;
    }
    const drainS = Number(process.hrtime.bigint() - drainStart) / 1e9;
    const mb = (count * entryBytes) / 1024 / 1024;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(
      `buffer ${fmt(entryBytes)} B entries: append ${fmt(mb / appendS)} MB/s, ${fmt(count / appendS)} entries/s; ` +
        `drain ${fmt(mb / drainS)} MB/s, ${fmt(drained / drainS)} entries/s (${fmt(count)} entries, ${fmt(mb)} MB)`,
    );
  } finally {
    await buffer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// 1 KiB is a handful of lines; 256 KiB is a typical compressed batch.
for (const size of [1024, 256 * 1024]) await run(size);
