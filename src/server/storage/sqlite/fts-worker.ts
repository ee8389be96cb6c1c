/**
 * The index worker: writes the full-text tables of the index file (birdseye-fts.sqlite) on its own
 * connection and thread, so tokenising and merging run on the second core while the main thread
 * writes the rows. One batch at a time, in the order the main thread sends:
 * `ops` (any number; the first opens a transaction), `seal` (the main thread has written every row:
 * FTS5 flushes its terms to disk now, while the main thread commits), then `commit` once the rows
 * are committed, or `rollback` if they were not. So the index never has a batch the rows lack.
 * A failed batch is rolled back here and reported; the main thread then ends this worker and
 * replays every batch it had from the backlog itself (fts-index.ts).
 * Its connection checkpoints the index file only as a last resort (checkpointer.ts does that).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { WRITER_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';
import { FtsTables } from './fts-tables.ts';

export type ToWorker =
  | { readonly t: 'ops'; readonly ops: unknown[] }
  | { readonly t: 'seal' }
  | { readonly t: 'commit'; readonly seq: number }
  | { readonly t: 'rollback' }
  | { readonly t: 'drop'; readonly days: number[] }
  | { readonly t: 'close' };

export type FromWorker =
  | { readonly t: 'committed'; readonly seq: number }
  | { readonly t: 'failed'; readonly seq: number; readonly message: string }
  | { readonly t: 'closed' };

export interface WorkerOptions {
  readonly file: string;
}

const port = parentPort!;
const { file } = workerData as WorkerOptions;
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
const tables = new FtsTables(db, 'main');

let open = false;
let failure: string | undefined;
const days = new Set<number>();

function reply(msg: FromWorker): void {
  port.postMessage(msg);
}

function fail(cause: unknown): void {
  failure ??= (cause as Error).message ?? String(cause);
  if (open && db.inTransaction) db.exec('ROLLBACK');
  open = false;
}

function reset(): void {
  open = false;
  failure = undefined;
  days.clear();
}

function handle(msg: ToWorker): void {
  switch (msg.t) {
    case 'ops':
      if (failure !== undefined) return;
      if (!open) {
        db.exec('BEGIN');
        open = true;
      }
      tables.apply(msg.ops, days);
      return;
    case 'seal':
      // Releasing a savepoint makes FTS5 write its pending terms out, ahead of the commit.
      if (failure === undefined && open) db.exec('SAVEPOINT seal; RELEASE seal');
      return;
    case 'commit':
      if (failure === undefined) {
        if (!open) db.exec('BEGIN');
        open = true;
        tables.markDone(msg.seq, days);
        db.exec('COMMIT');
        reply({ t: 'committed', seq: msg.seq });
      } else reply({ t: 'failed', seq: msg.seq, message: failure });
      reset();
      return;
    case 'rollback':
      if (open && db.inTransaction) db.exec('ROLLBACK');
      reset();
      return;
    case 'drop':
      // A table left behind (the drop failed) is dropped when the store is next opened.
      for (const day of msg.days) {
        try {
          tables.drop(day);
        } catch {
          // see above
        }
      }
      return;
    case 'close':
      db.close();
      reply({ t: 'closed' });
      port.close();
      return;
  }
}

port.on('message', (msg: ToWorker) => {
  try {
    handle(msg);
  } catch (cause) {
    if (msg.t === 'commit') {
      fail(cause);
      reply({ t: 'failed', seq: msg.seq, message: failure! });
      reset();
    } else fail(cause);
  }
});
