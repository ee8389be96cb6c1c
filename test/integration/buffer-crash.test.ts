import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DiskBuffer, type ReadEntry } from '../../src/agent/buffer/index.ts';
import { CRASH_CONFIG, crashPayload } from '../fixtures/buffer/append-until-killed.ts';
import { killAfterFirstOutput } from '../helpers/kill-after.ts';

const CHILD = fileURLToPath(new URL('../fixtures/buffer/append-until-killed.ts', import.meta.url));

interface Printed {
  appended: Map<number, number>;
  maxAck: number;
}

/** Starts the appender, kills it with SIGKILL `afterMs` after its first durable append. */
async function runAndKill(dir: string, firstN: number, afterMs: number): Promise<Printed> {
  const lines = await killAfterFirstOutput(CHILD, [dir, String(firstN)], afterMs);
  const printed: Printed = { appended: new Map(), maxAck: 0 };
  for (const line of lines) {
    const [a, b] = line.split(' ');
    if (a === 'ack') printed.maxAck = Math.max(printed.maxAck, Number(b));
    else printed.appended.set(Number(a), Number(b));
  }
  return printed;
}

async function readAll(buffer: DiskBuffer): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for (let got = await buffer.read(256, 8 << 20, { wait: false }); got.length;) {
    out.push(...got);
    got = await buffer.read(256, 8 << 20, { wait: false });
  }
  return out;
}

describe('disk buffer under kill -9', () => {
  it('keeps every entry whose append resolved, once, in order, intact', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-buffer-crash-'));
    const everPrinted = new Map<number, number>();
    let totalPrinted = 0;
    for (let round = 0; round < 5; round++) {
      const printed = await runAndKill(dir, round * 10_000_000, 50 + Math.floor(Math.random() * 400));
      totalPrinted += printed.appended.size;
      for (const [id, n] of printed.appended) {
        assert.equal(everPrinted.get(id), undefined, `id ${id} was handed out twice`);
        everPrinted.set(id, n);
      }

      const buffer = await DiskBuffer.open({ dir, config: CRASH_CONFIG });
      const { acked_id: acked } = buffer.stats();
      assert.ok(acked >= printed.maxAck, `ledger at ${acked}, but ack ${printed.maxAck} had resolved`);
      const entries = await readAll(buffer);
      await buffer.close();

      let previous = acked;
      for (const e of entries) {
        assert.ok(e.id > previous, `id ${e.id} after ${previous}: out of order or repeated`);
        previous = e.id;
        const n = Number(/^n=(\d+);/.exec(e.data.toString('latin1', 0, 24))?.[1]);
        assert.deepEqual(e.data, crashPayload(n), `entry ${e.id} damaged`);
        const expected = everPrinted.get(e.id);
        if (expected !== undefined) assert.equal(n, expected, `entry ${e.id} holds another payload`);
      }
      const present = new Set(entries.map((e) => e.id));
      for (const id of printed.appended.keys()) {
        if (id > acked) assert.ok(present.has(id), `entry ${id} resolved before the kill but is gone`);
      }
    }
    assert.ok(totalPrinted > 100, `only ${totalPrinted} appends resolved before the kills`);
    rmSync(dir, { recursive: true, force: true });
  });
});
