import { BirdseyeError } from '../../../core/errors.ts';
import type { ClusterEvent, IngestBatch, LogRecord } from '../../../model/index.ts';
import { eventMatcher, logMatcher } from '../../query/log-match.ts';
import type {
  ContainerInfo,
  DocumentResult,
  LogDocumentId,
  EventSearch,
  HistogramCount,
  HistogramQuery,
  LogContext,
  LogSearch,
  Page,
  StoredEvent,
  StoredLog,
} from '../backend.ts';
import type { PatternGroup, PatternGroupQuery } from '../pattern-types.ts';
import { containerSightings, DAY_MS, dayOf, decodeCursor, encodeCursor } from '../log-common.ts';

interface Row<T> {
  seq: number;
  record: T & { id: string };
}

interface TenantLogs {
  logs: Row<LogRecord>[];
  events: Row<ClusterEvent>[];
  containers: Map<string, ContainerInfo>;
  /** `index\0id` → the row stored under that document id and its version. */
  documents: Map<string, { seq: number; version: number }>;
}

/** Ordered by time, then arrival: the same order the SQLite backend's ids give. */
const byTime = <T extends { ts: number }>(a: Row<T>, b: Row<T>): number =>
  a.record.ts - b.record.ts || a.seq - b.seq;

const containerKey = (r: LogRecord): string => r.container?.name ?? r.container?.id ?? '';

/** A `create` of a live id conflicts; an `index` of one removes the old row for the new. */
function claim(data: TenantLogs, key: LogDocumentId): DocumentResult {
  const known = data.documents.get(`${key.index}\u0000${key.id}`);
  const at = known ? data.logs.findIndex((r) => r.seq === known.seq) : -1;
  if (!known || at < 0) return { result: 'created', version: 1 };
  if (key.op === 'create') return { result: 'conflict', version: known.version };
  data.logs.splice(at, 1);
  return { result: 'updated', version: known.version + 1 };
}

/** Logs and events for the memory backend: linear scans, which is fine for the tests it serves. */
export class MemoryLogs {
  private readonly tenants = new Map<string, TenantLogs>();
  private seq = 0;

  private tenant(name: string): TenantLogs {
    let data = this.tenants.get(name);
    if (!data) {
      data = { logs: [], events: [], containers: new Map(), documents: new Map() };
      this.tenants.set(name, data);
    }
    return data;
  }

  counts(tenant: string): { logs: number; events: number } {
    const data = this.tenant(tenant);
    return { logs: data.logs.length, events: data.events.length };
  }

  write(
    tenant: string,
    batch: IngestBatch,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): { stored: StoredLog[]; documents: Array<DocumentResult | undefined> } {
    const data = this.tenant(tenant);
    const stored: StoredLog[] = [];
    const documents: Array<DocumentResult | undefined> = [];
    for (const [n, log] of batch.logs.entries()) {
      const key = ids?.[n];
      const outcome = key && claim(data, key);
      documents.push(outcome);
      if (outcome?.result === 'conflict') continue;
      const seq = ++this.seq;
      const record = { ...log, id: `m${seq}` };
      data.logs.push({ seq, record });
      stored.push(record);
      if (key && outcome)
        data.documents.set(`${key.index}\u0000${key.id}`, { seq, version: outcome.version });
    }
    for (const event of batch.events) {
      const seq = ++this.seq;
      data.events.push({ seq, record: { ...event, id: `m${seq}` } });
    }
    for (const s of containerSightings(batch)) {
      const key = `${s.host}\u0000${s.name}`;
      const old = data.containers.get(key);
      data.containers.set(key, {
        host: s.host,
        name: s.name,
        id: s.id ?? old?.id ?? null,
        image: s.image ?? old?.image ?? null,
        first_seen: Math.min(old?.first_seen ?? s.first, s.first),
        last_seen: Math.max(old?.last_seen ?? s.ts, s.ts),
        state: s.state ?? old?.state ?? null,
        last_action: s.action ?? old?.last_action ?? null,
      });
    }
    return { stored, documents };
  }

  searchLogs(tenant: string, search: LogSearch): Page<StoredLog> {
    const match = logMatcher(search.query);
    const rows = this.tenant(tenant).logs.filter(
      (r) => r.record.ts >= search.from && r.record.ts <= search.to && match(r.record),
    );
    return page(rows, search.order, search.limit, search.cursor);
  }

  histogram(tenant: string, q: HistogramQuery): HistogramCount[] {
    const match = logMatcher(q.query);
    const counts = new Map<string, HistogramCount>();
    for (const { record } of this.tenant(tenant).logs) {
      if (record.ts < q.from || record.ts > q.to || !match(record)) continue;
      const ts = Math.floor(record.ts / q.interval_ms) * q.interval_ms;
      const severity = record.severity ?? null;
      const key = `${ts}/${severity}`;
      counts.set(key, { ts, severity, count: (counts.get(key)?.count ?? 0) + 1 });
    }
    return [...counts.values()].sort((a, b) => a.ts - b.ts || (a.severity ?? -1) - (b.severity ?? -1));
  }

  groupByPattern(tenant: string, q: PatternGroupQuery): PatternGroup[] {
    const match = logMatcher(q.query);
    const counts = new Map<string | null, number>();
    for (const { record } of this.tenant(tenant).logs) {
      if (record.ts < q.from || record.ts > q.to || !match(record)) continue;
      const key = record.pattern ?? null;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts]
      .map(([pattern, count]) => ({ pattern, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, q.limit);
  }

  context(tenant: string, id: string, before: number, after: number): LogContext | undefined {
    if (!/^m\d+$/.test(id)) throw new BirdseyeError('BE_QUERY_INVALID', `id: "${id}" is not a record id`);
    const logs = this.tenant(tenant).logs;
    const target = logs.find((r) => r.record.id === id);
    if (!target) return undefined;
    const r = target.record;
    const same = logs
      .filter(
        (o) =>
          o.record.host === r.host &&
          o.record.source === r.source &&
          containerKey(o.record) === containerKey(r),
      )
      .sort(byTime);
    const at = same.indexOf(target);
    return {
      record: r,
      before: same.slice(Math.max(0, at - before), at).map((o) => o.record),
      after: same.slice(at + 1, at + 1 + after).map((o) => o.record),
    };
  }

  searchEvents(tenant: string, search: EventSearch): Page<StoredEvent> {
    const match = eventMatcher(search.query);
    const rows = this.tenant(tenant).events.filter(
      (r) => r.record.ts >= search.from && r.record.ts <= search.to && match(r.record),
    );
    return page(rows, 'newest', search.limit, search.cursor);
  }

  containers(tenant: string): ContainerInfo[] {
    return [...this.tenant(tenant).containers.values()].sort(
      (a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name),
    );
  }

  /** Drops one tenant's whole days of logs and events that end at or before the cutoffs. */
  retainTenant(tenant: string, logsCutoff: number, eventsCutoff: number): { logs: number; events: number } {
    const data = this.tenant(tenant);
    const before = { logs: data.logs.length, events: data.events.length };
    data.logs = data.logs.filter((r) => (dayOf(r.record.ts) + 1) * DAY_MS > logsCutoff);
    data.events = data.events.filter((r) => (dayOf(r.record.ts) + 1) * DAY_MS > eventsCutoff);
    return { logs: before.logs - data.logs.length, events: before.events - data.events.length };
  }

  tenantNames(): string[] {
    return [...this.tenants.keys()];
  }

  dropBefore(cutoffTs: number): number {
    const days = new Set<number>();
    const keep = <T extends { ts: number }>(rows: Row<T>[]): Row<T>[] =>
      rows.filter((r) => {
        const day = dayOf(r.record.ts);
        if ((day + 1) * DAY_MS > cutoffTs) return true;
        days.add(day);
        return false;
      });
    for (const data of this.tenants.values()) {
      data.logs = keep(data.logs);
      data.events = keep(data.events);
    }
    return days.size;
  }
}

function page<T extends { ts: number }>(
  rows: Row<T>[],
  order: 'newest' | 'oldest',
  limit: number,
  cursor: string | undefined,
): Page<T & { id: string }> {
  const sorted = rows.sort(byTime);
  if (order === 'newest') sorted.reverse();
  let start = 0;
  if (cursor !== undefined) {
    const { ts, seq } = decodeCursor('memory', cursor, ['ts', 'seq']);
    const sign = order === 'newest' ? -1 : 1;
    const after = sorted.findIndex((r) => sign * (r.record.ts - ts! || r.seq - seq!) > 0);
    start = after < 0 ? sorted.length : after;
  }
  const out = sorted.slice(start, start + limit);
  const last = out.at(-1);
  const more = start + limit < sorted.length;
  return {
    records: out.map((r) => r.record),
    next_cursor: more && last ? encodeCursor('memory', { ts: last.record.ts, seq: last.seq }) : null,
  };
}
