/**
 * The search benchmark's store, built once per key and kept in $TMPDIR/birdseye-bench-search.
 * The key hashes the corpus version, the size and the schema version: a store of an older schema
 * is built afresh rather than measured, and one that only lacks an index gets it the way a user's
 * does, from the migration on open. Only one store is kept: building another removes the previous ones (they take GBs).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { IngestBatch, LogRecord } from '../src/model/index.ts';
import { registerFunctions } from '../src/server/storage/sqlite/functions.ts';
import { countsSchema } from '../src/server/storage/sqlite/log-counts.ts';
import { INDEX_FILE } from '../src/server/storage/sqlite/open-database.ts';
import { ftsSchema, partitionSchema, SCHEMA_VERSION } from '../src/server/storage/sqlite/schema.ts';
import { SqliteBackend } from '../src/server/storage/sqlite/sqlite-backend.ts';
import { CORPUS_VERSION, corpusLine } from './search-corpus.ts';

const ROOT = process.env.BENCH_SEARCH_DIR ?? path.join(os.tmpdir(), 'birdseye-bench-search');
const BATCH = 20_000;
/** Bump when the way the store is built changes. */
const FILL_VERSION = 4;
const DAY = 86_400_000;

interface Meta {
  anchor: number;
  bytes: number;
  breakdown: string;
  fill_seconds: number;
  fill_cpu_seconds: number;
}

export interface StoreInfo extends Meta {
  cached: boolean;
  dir: string;
}

/** The files' size by table kind (dbstat), e.g. "rows 41 %, FTS 38 %, indexes 18 %, other 3 %". */
function breakdown(file: string, indexFile: string): string {
  const db = new Database(file, { readonly: true });
  try {
    db.prepare('ATTACH DATABASE ? AS fts').run(indexFile);
    const rows = ['main', 'fts'].flatMap((schema) =>
      db
        .prepare<[], { name: string; bytes: number }>(
          `SELECT name, sum(pgsize) AS bytes FROM dbstat('${schema}') GROUP BY name`,
        )
        .all(),
    );
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    const kinds: Record<string, number> = { rows: 0, FTS: 0, indexes: 0, counts: 0, other: 0 };
    for (const { name, bytes } of rows) {
      const kind = /^logs_fts_d/.test(name)
        ? 'FTS'
        : /^logs_d\d+$/.test(name)
          ? 'rows'
          : /^(logs_d\d+_|sqlite_autoindex_logs)/.test(name)
            ? 'indexes'
            : /^logcounts_d/.test(name)
              ? 'counts'
              : 'other';
      kinds[kind]! += bytes;
    }
    return Object.entries(kinds)
      .map(([k, b]) => `${k} ${((100 * b) / total).toFixed(0)} %`)
      .join(', ');
  } finally {
    db.close();
  }
}

function fileBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith('birdseye'))
    .reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}

/**
 * Copies day `from`'s log tables into day `to`, times shifted by whole days. A rowid is the
 * microsecond within its day, so ids, the rows and the full-text index (its shadow tables in the
 * index file, copied page for page) are exactly what writing the shifted lines would have made.
 * The copy is registered with the layout of the day it copies (a new day's, see Partitions).
 */
function copyDay(db: Database.Database, from: number, to: number): void {
  const shift = (to - from) * DAY;
  db.exec(partitionSchema(to) + countsSchema(to) + ftsSchema('fts', to));
  db.transaction(() => {
    for (const table of ['day_layouts', 'day_pattern_tokens'])
      db.prepare(`INSERT INTO ${table} (day) SELECT ? FROM ${table} WHERE day = ?`).run(to, from);
    db.prepare(
      `INSERT INTO logs_d${to} SELECT id, tenant, ts + ?, host, source, service, severity, container_name,
       container_image, container_id, format, message, json_set(rest, '$.ts', ts + ?), pattern
       FROM logs_d${from} ORDER BY id`,
    ).run(shift, shift);
    for (const t of ['data', 'idx', 'config']) {
      db.exec(
        `DELETE FROM fts.logs_fts_d${to}_${t}; INSERT INTO fts.logs_fts_d${to}_${t} SELECT * FROM fts.logs_fts_d${from}_${t}`,
      );
    }
    db.prepare(
      `INSERT INTO logcounts_d${to} SELECT tenant, minute + ?, severity, count FROM logcounts_d${from}`,
    ).run(shift / 60_000);
  })();
}

/**
 * The newest day is written through the backend's batch write (`perDay` lines of the corpus, in
 * time order); the older days are copies of it. Writing 10 M lines at ingest speed takes hours on
 * a loaded 2-core machine; a copy has the same rows, ids and index, only its request ids repeat.
 */
async function fill(dir: string, perDay: number, days: number): Promise<Meta> {
  const last = Math.floor(Date.now() / DAY);
  const store = new SqliteBackend(dir);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let seq = 0;
  for (let written = 0; written < perDay;) {
    const n = Math.min(BATCH, perDay - written);
    const logs: LogRecord[] = [];
    for (let i = 0; i < n; i++) logs.push(corpusLine(written + i, perDay, last * DAY, DAY));
    seq++;
    const batch: IngestBatch = {
      batch_id: `bench-search:${seq}`,
      agent_id: 'bench-search',
      seq,
      host: 'bench',
      sent_ts: last * DAY,
      logs,
      events: [],
      metrics: [],
    };
    await store.writeBatch('default', batch, last * DAY);
    written += n;
    if (written % 500_000 === 0 || written === perDay) {
      const s = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      console.log(
        `search store: ${written.toLocaleString('en-US')} lines written in ${s.toFixed(0)} s ` +
          `(${Math.round(written / s)} lines/s, ${Math.round(written / ((used.user + used.system) / 1e6))} per CPU-s, ` +
          `load ${os.loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  await store.close();
  const file = path.join(dir, 'birdseye.sqlite');
  const indexFile = path.join(dir, INDEX_FILE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.prepare('ATTACH DATABASE ? AS fts').run(indexFile);
  // Writing FTS5's shadow tables directly is refused in better-sqlite3's default defensive mode.
  db.unsafeMode(true);
  registerFunctions(db);
  for (let d = 1; d < days; d++) copyDay(db, last, last - d);
  db.close();
  const used = process.cpuUsage(cpu);
  console.log(
    `search store: copied to ${days - 1} older days in ${((performance.now() - t0) / 1000).toFixed(0)} s total`,
  );
  return {
    anchor: (last + 1) * DAY,
    bytes: fileBytes(dir),
    breakdown: breakdown(file, indexFile),
    fill_seconds: (performance.now() - t0) / 1000,
    fill_cpu_seconds: (used.user + used.system) / 1e6,
  };
}

export async function openStore(opts: {
  lines: number;
  days: number;
  rebuild: boolean;
}): Promise<{ store: SqliteBackend; info: StoreInfo }> {
  const key = createHash('sha256')
    .update(JSON.stringify([CORPUS_VERSION, FILL_VERSION, SCHEMA_VERSION, opts.lines, opts.days]))
    .digest('hex')
    .slice(0, 12);
  const dir = path.join(ROOT, `${opts.lines}-${opts.days}d-${key}`);
  const metaFile = path.join(dir, 'meta.json');
  const cached = !opts.rebuild && existsSync(metaFile);
  if (!cached) {
    // One store at a time: an older key's GBs are of no further use.
    if (existsSync(ROOT))
      for (const old of readdirSync(ROOT)) rmSync(path.join(ROOT, old), { recursive: true });
    mkdirSync(dir, { recursive: true });
    const meta = await fill(dir, Math.ceil(opts.lines / opts.days), opts.days);
    writeFileSync(metaFile, JSON.stringify(meta));
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
  return { store: new SqliteBackend(dir), info: { ...meta, cached, dir } };
}
