import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseLogQuery } from '../../src/server/query/log-query.ts';
import { SqliteBackend } from '../../src/server/storage/sqlite/sqlite-backend.ts';
import { CRASH_DOCS, CRASH_LINES, CRASH_T0 } from '../fixtures/storage/write-until-killed.ts';
import { killAfterFirstOutput } from '../helpers/kill-after.ts';

const CHILD = fileURLToPath(new URL('../fixtures/storage/write-until-killed.ts', import.meta.url));
const DAY = 86_400_000;

/** Starts the writers, kills them with SIGKILL `afterMs` after the first acknowledged batch. */
async function runAndKill(dir: string, firstK: number, afterMs: number): Promise<Map<number, number>> {
  const lines = await killAfterFirstOutput(CHILD, [dir, String(firstK)], afterMs);
  const acked = new Map<number, number>();
  for (const line of lines) {
    const [, w, k] = line.split(' ');
    acked.set(Number(w), Math.max(acked.get(Number(w)) ?? -1, Number(k)));
  }
  return acked;
}

/** Lines matching `q` over the whole range, counted by the histogram (no page limit). */
async function count(store: SqliteBackend, q: string): Promise<number> {
  const buckets = await store.logHistogram('default', {
    query: parseLogQuery(q),
    from: CRASH_T0 - 2 * DAY,
    to: CRASH_T0 + 2 * DAY,
    interval_ms: DAY,
  });
  return buckets.reduce((sum, b) => sum + b.count, 0);
}

describe('sqlite store under kill -9', () => {
  it(
    'keeps every acknowledged batch whole, rows and full-text index alike, and never a part of one',
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-storage-crash-'));
      let totalAcked = 0;
      const everAcked = new Map<number, number>();
      for (let round = 0; round < 6; round++) {
        const firstK = round * 100_000;
        const acked = await runAndKill(dir, firstK, 100 + Math.floor(Math.random() * 900));
        for (const [w, k] of acked) {
          everAcked.set(w, k);
          totalAcked += k - firstK + 1;
        }
        const store = new SqliteBackend(dir);
        try {
          for (const w of [0, 1]) {
            const last = acked.get(w) ?? firstK - 1;
            for (let k = firstK; k <= last + 1; k++) {
              // `b<w>x<k>` goes through the full-text index, `fields.batch` reads the rows.
              const indexed = await count(store, `b${w}x${k}`);
              const rows = await count(store, `fields.batch:${w}x${k}`);
              assert.equal(indexed, rows, `batch ${w}/${k}: index and rows agree`);
              if (k <= last) assert.equal(rows, CRASH_LINES, `acknowledged batch ${w}/${k} is whole`);
              else assert.ok(rows === 0 || rows === CRASH_LINES, `batch ${w}/${k}: all or nothing`);
            }
          }
          // Every replaced document left the index with its row: each id once, in both.
          if (everAcked.has(2)) {
            assert.equal(await count(store, 'fields.doc:*'), CRASH_DOCS, 'each document id once');
            assert.equal(await count(store, 'docline'), CRASH_DOCS, 'the index has each document once');
          }
          assert.equal(await count(store, 'crashline'), await count(store, 'fields.batch:*'));
          assert.equal(
            await count(store, ''),
            (await count(store, 'crashline')) + (await count(store, 'docline')),
            'the per-minute counts agree with the lines',
          );
        } finally {
          await store.close();
        }
      }
      assert.ok(totalAcked > 20, `only ${totalAcked} batches acknowledged before the kills`);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
