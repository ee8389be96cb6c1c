/**
 * Log search over a large SQLite store (the DESIGN target: 10 M stored lines, term and phrase
 * search p95 < 100 ms, a 24 h histogram < 300 ms). The store holds `--lines` lines of the fleet
 * corpus in bench/search-corpus.ts over `--days` whole UTC days (default 5, so 2 M lines a day at
 * 10 M): the newest day written through the backend's own batch write (writeBatch, 20,000 lines a
 * batch: the rows, ids, FTS index and per-minute counts ingest makes, in fewer transactions), the
 * older days copies of it (see search-store.ts). The store is kept in
 * $TMPDIR/birdseye-bench-search/<key> (BENCH_SEARCH_DIR), the key covering the corpus and schema
 * versions and the size; `--rebuild` builds it afresh.
 *
 * Measured: term, phrase, field:value, prefix and rare-term searches (50 queries each, newest
 * first, limit 100) over the last 24 h and over the whole range, p50/p95 and CPU per query; the
 * 24 h histogram split by severity with and without a query; bytes on disk per stored line.
 *
 * `npm run bench` runs it with BENCH_SEARCH_LINES (default 1,000,000);
 * `node --import tsx bench/search.ts --lines 10000000` is the target size.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { defaultInterval } from '../src/server/api/log-routes.ts';
import { parseLogQuery } from '../src/server/query/log-query.ts';
import { SqliteBackend } from '../src/server/storage/sqlite/sqlite-backend.ts';
import { openStore } from './search-store.ts';
import { ID_EVERY, RARE_TERMS, requestId, SERVICES, HOSTS } from './search-corpus.ts';

const { values: args } = parseArgs({
  options: { lines: { type: 'string' }, days: { type: 'string' }, rebuild: { type: 'boolean' } },
  strict: false,
});
const LINES = Number(args.lines ?? process.env.BENCH_SEARCH_LINES ?? 1_000_000);
const DAYS = Number(args.days ?? process.env.BENCH_SEARCH_DAYS ?? 5);
const DAY = 86_400_000;
const TENANT = 'default';

const load = (): string => `load ${os.loadavg()[0]!.toFixed(1)}`;
const fmt = (n: number): string => n.toLocaleString('en-US');

function percentile(ms: number[], p: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

/** 50 queries of each kind, from common to rare words, so p95 covers the expensive ones. */
function queries(lines: number): Record<string, string[]> {
  const ids: string[] = [];
  for (
    let i = ID_EVERY * 3;
    i < lines && ids.length < 44;
    i += Math.max(1, Math.floor(lines / 45 / ID_EVERY)) * ID_EVERY
  ) {
    ids.push(requestId(i));
  }
  return {
    term: [
      ...['GET', 'ms', 'cache', 'miss', 'job', 'finished', 'logged', 'session', 'pause', 'heap', 'slow'],
      ...['query', 'consumer', 'lag', 'refused', 'retrying', 'upstream', 'timeout', 'scheduled', 'pods'],
      ...['disk', 'payment', 'failed', 'Unavailable', 'kernel', 'SYN', 'NullPointerException', 'reloaded'],
      ...['crashed', 'memory', 'Started', 'docker', 'publickey', 'Health', 'orders', 'users', 'alice'],
      ...['billing', 'primary', 'items', 'invoice', 'partition', 'stock', 'DELETE', 'cookies', 'ED25519'],
      ...['libcontainer', 'healthcheck', 'thumbnail', 'sessions', 'yaml'],
    ],
    phrase: [
      ...[
        '"cache miss"',
        '"connection refused"',
        '"upstream timeout"',
        '"out of memory"',
        '"logged in from"',
      ],
      ...[
        '"GC pause"',
        '"slow query"',
        '"Service Unavailable"',
        '"Possible SYN flooding"',
        '"items processed"',
      ],
      ...[
        '"retrying in"',
        '"Started Session"',
        '"Accepted publickey"',
        '"timed out after"',
        '"heap 2048 MB"',
      ],
      ...[0, 1, 2, 3, 5, 7, 11].map((n) => `"partition ${n} is"`),
      ...[1, 2, 3, 4, 5].map((n) => `"attempt ${n} of 5"`),
      ...['orders', 'users', 'sessions', 'stock'].map((t) => `"FROM ${t} WHERE"`),
      ...SERVICES.slice(0, 14).map((s) => `"upstream ${s}"`),
      ...['"read-only after journal"', '"certificate for shop"', '"error 4 in libc"', '"GET /login"'],
      ...['"DELETE /api/cart"'],
    ],
    field: [
      ...SERVICES.slice(0, 10).map((s) => `service:${s}`),
      ...HOSTS.slice(0, 10).map((h) => `host:${h}`),
      ...['fields.status:503', 'fields.status:500', 'fields.method:DELETE', 'fields.level:warn'],
      ...['fields.code:UPSTREAM_TIMEOUT', 'fields.logger:jobs.runner', 'source:journald', 'severity:<=3'],
      ...['severity:2', 'fields.status:[500 TO 599]', 'container.name:api-3', 'container.name:billing-7'],
      ...SERVICES.slice(0, 6).map((s) => `service:${s} AND timeout`),
      ...HOSTS.slice(0, 6).map((h) => `host:${h} AND GET`),
      ...['fields._SYSTEMD_UNIT:ssh.service', 'fields.SYSLOG_IDENTIFIER:dockerd', 'service:cron AND NOT GET'],
      ...['host:node-09 AND severity:<=4', 'service:orders AND fields.status:404'],
    ],
    prefix: [
      ...['timeo*', 'refus*', 'pay*', 'NullPointer*', 'crash*', 'sched*', 'consum*', 'retry*', 'upstr*'],
      ...['thumb*', 'reind*', 'heal*', 'publick*', 'libcont*', 'invoi*', 'sess*', 'Unavail*', 'flood*'],
      ...['cook*', 'ED255*', 'reload*', 'revis*', 'prim*', 'partit*', 'messag*', 'primar*', 'alic*'],
      ...['bob*', 'mallor*', 'carol*', 'fran*', 'grac*', 'heid*', 'iva*', 'jud*', 'dav*', 'eri*'],
      ...['seg*', 'expir*', 'remount*', 'handsh*', 'nvme*', 'libc*', 'Accep*', 'GC*', 'hea*', 'SYN*'],
      ...['kern*', 'job*', 'miss*'],
    ],
    rare: [...RARE_TERMS, ...ids],
  };
}

async function timedSearches(store: SqliteBackend, list: string[], from: number, to: number) {
  const ms: number[] = [];
  let rows = 0;
  let slowest = '';
  const cpu = process.cpuUsage();
  for (const q of list) {
    const query = parseLogQuery(q);
    const start = performance.now();
    const page = await store.searchLogs(TENANT, { query, from, to, limit: 100, order: 'newest' });
    ms.push(performance.now() - start);
    if (ms.at(-1)! >= Math.max(...ms)) slowest = q;
    rows += page.records.length;
  }
  const used = process.cpuUsage(cpu);
  return { ms, rows: rows / list.length, cpuMs: (used.user + used.system) / 1000 / list.length, slowest };
}

const { store, info } = await openStore({ lines: LINES, days: DAYS, rebuild: args.rebuild === true });
try {
  console.log(
    `search store: ${fmt(LINES)} lines over ${DAYS} days, ${info.cached ? 'cached' : 'built now'} (${info.dir})`,
  );
  console.log(
    `search store size: ${Math.round(info.bytes / LINES)} bytes on disk per stored line ` +
      `(${(info.bytes / 2 ** 30).toFixed(2)} GiB; ${info.breakdown})`,
  );
  const anchor = info.anchor;
  // "The last 24 h" as a user asks it 6 h into the day: two day partitions.
  const now = anchor - 6 * 3_600_000;
  const ranges: Array<[string, number, number]> = [
    ['24 h', now - DAY, now],
    [`all ${DAYS} d`, anchor - DAYS * DAY, anchor],
  ];
  for (const [kind, list] of Object.entries(queries(Math.ceil(LINES / DAYS)))) {
    for (const [name, from, to] of ranges) {
      const r = await timedSearches(store, list, from, to);
      console.log(
        `search ${kind} (${name}, ${fmt(LINES)} lines): p50 ${percentile(r.ms, 0.5).toFixed(1)} ms, ` +
          `p95 ${percentile(r.ms, 0.95).toFixed(1)} ms, max ${Math.max(...r.ms).toFixed(0)} ms (${r.slowest}) over ${list.length} ` +
          `queries, ${r.cpuMs.toFixed(1)} CPU-ms/query, ${r.rows.toFixed(0)} rows/page (${load()})`,
      );
    }
  }
  const from = now - DAY;
  const interval = defaultInterval(from, now);
  for (const q of ['', 'timeout', 'service:billing', 'severity:<=3', '"connection refused"']) {
    const ms: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await store.logHistogram(TENANT, { query: parseLogQuery(q), from, to: now, interval_ms: interval });
      ms.push(performance.now() - start);
    }
    const used = process.cpuUsage(cpu);
    console.log(
      `search histogram 24 h by severity${q ? ` q=${q}` : ''} (${(DAY / interval).toFixed(0)} buckets, ` +
        `${fmt(LINES)} lines): p50 ${percentile(ms, 0.5).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms, ` +
        `${((used.user + used.system) / 1000 / 5).toFixed(0)} CPU-ms each (${load()})`,
    );
  }
} finally {
  await store.close();
}
