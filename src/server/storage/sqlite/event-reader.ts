import type Database from 'better-sqlite3';
import type { ClusterEvent } from '../../../model/index.ts';
import { eventMatcher } from '../../query/log-match.ts';
import type { ContainerInfo, EventSearch, Page, StoredEvent } from '../backend.ts';
import { dayOf, decodeCursor, encodeCursor } from '../log-common.ts';
import { recordId } from './log-writer.ts';
import { idRange, type Partitions } from './partitions.ts';
import type { StatementCache } from './statement-cache.ts';

/** Rows read per step while filtering events in JavaScript. */
const CHUNK_ROWS = 500;

/**
 * Events are few (lifecycle changes, not lines), so they are filtered by the same JavaScript
 * matcher as the live tail, over rows read newest first in chunks until the page is full.
 */
export class EventReader {
  private readonly containerRows: Database.Statement<[string], ContainerInfo>;

  constructor(
    db: Database.Database,
    private readonly partitions: Partitions,
    private readonly statements: StatementCache,
  ) {
    this.containerRows = db.prepare(
      `SELECT host, name, id, image, first_seen, last_seen, state, last_action
       FROM containers WHERE tenant = ? ORDER BY host, name`,
    );
  }

  search(tenant: string, search: EventSearch): Page<StoredEvent> {
    const match = eventMatcher(search.query);
    const cursor =
      search.cursor === undefined ? undefined : decodeCursor('sqlite', search.cursor, ['d', 'r']);
    const days = this.partitions
      .list()
      .filter((d) => d >= dayOf(search.from) && d <= dayOf(search.to) && (!cursor || d <= cursor.d!))
      .reverse();
    const found: Array<{ day: number; rowid: number; event: StoredEvent }> = [];
    for (const day of days) {
      const [lo, upper] = idRange(day, search.from, search.to);
      let hi = upper;
      if (cursor && day === cursor.d) hi = Math.min(hi, cursor.r! - 1);
      const stmt = this.statements.get<{ id: number; record: string }>(
        `SELECT id, record FROM events_d${day} WHERE tenant = ? AND id BETWEEN ? AND ? AND ts BETWEEN ? AND ?
         ORDER BY id DESC LIMIT ${CHUNK_ROWS}`,
      );
      while (lo <= hi && found.length <= search.limit) {
        const rows = stmt.all(tenant, lo, hi, search.from, search.to);
        for (const row of rows) {
          const event = JSON.parse(row.record) as ClusterEvent;
          if (match(event))
            found.push({ day, rowid: row.id, event: { ...event, id: recordId(day, row.id) } });
          if (found.length > search.limit) break;
        }
        if (rows.length < CHUNK_ROWS) break;
        hi = rows.at(-1)!.id - 1;
      }
      if (found.length > search.limit) break;
    }
    const page = found.slice(0, search.limit);
    const last = page.at(-1);
    return {
      records: page.map((f) => f.event),
      next_cursor:
        found.length > search.limit && last ? encodeCursor('sqlite', { d: last.day, r: last.rowid }) : null,
    };
  }

  containers(tenant: string): ContainerInfo[] {
    return this.containerRows.all(tenant);
  }

  counts(tenant: string): number {
    let n = 0;
    for (const day of this.partitions.list()) {
      n += this.statements
        .get<{ n: number }>(`SELECT count(*) AS n FROM events_d${day} WHERE tenant = ?`)
        .get(tenant)!.n;
    }
    return n;
  }
}
