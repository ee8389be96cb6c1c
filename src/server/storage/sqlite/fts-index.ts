import { Worker } from 'node:worker_threads';
import { BirdseyeError } from '../../../core/errors.ts';
import { Checkpointer } from './checkpointer.ts';
import type { FtsValues } from './doc-ids.ts';
import { OP_DELETE, OP_INSERT, OP_WIDTH } from './fts-tables.ts';
import type { FromWorker, ToWorker, WorkerOptions } from './fts-worker.ts';

/**
 * The main thread's side of the full-text index of days made since schema 4, which lives in its
 * own file and is written by a worker thread (fts-worker.ts), so FTS5's tokenising and merging
 * run on the second core while this thread writes the rows.
 *
 * A batch, in order:
 * 1. In the batch's transaction on the main file, each line's full-text values go to the worker in
 *    pieces of PIECE_OPS lines as they are written (it indexes them in its own open transaction),
 *    and `seal` returns the batch's backlog entry (rowids added, rows removed with their values),
 *    which the transaction stores in `fts_backlog` with the rows.
 * 2. Once the rows are committed, `commit` tells the worker to commit too, and resolves when it has.
 *    Only then is the batch acknowledged. The next batch's rows may be written meanwhile: the
 *    worker takes its pieces after that commit, so the two threads overlap (several commits can
 *    be in hand, answered in order).
 * So the index never holds what the rows lack; after a kill -9 between the two commits the rows
 * are there and their backlog entry is newer than the index file's `fts_state.done`: opening the
 * store replays it from the rows before anything reads (fts-recovery.ts), as does this class
 * when the worker fails or ends with batches in hand (on this thread, synchronously, once the
 * worker is gone: a failed worker is ended, since it may hold the next batch's transaction).
 * Between the two commits the store holds a batch its index lacks; the backend lets no read run
 * then (SqliteBackend.read), so no reader ever sees part of a batch.
 */

/** One backlog operation: a run of rowids of a day added, or one row removed with its values. */
export type BacklogOp = [day: number, rowids: number[]] | [day: number, rowid: number, values: FtsValues];

/** Lines per message to the worker: small enough that it starts while the rows are being written. */
const PIECE_OPS = 256;
/** Lines indexed between checkpoints: about 4 MB of WAL in the main file (SQLite's default 1000 pages). */
const CHECKPOINT_LINES = 5000;
/** A worker that does not answer a commit in this long is ended (and the batch replayed here). */
const COMMIT_TIMEOUT_MS = 120_000;

interface Waiting {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (cause: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A worker runs no loader of its own: it registers tsx (the one the server runs under, which does
 * nothing the second time) before it imports the TypeScript worker module.
 */
function bootCode(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./fts-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

export class FtsIndex {
  private worker: Worker | undefined;
  private ops: BacklogOp[] = [];
  private piece: unknown[] = [];
  /** The worker has part of the current batch. */
  private sent = false;
  /** Commits asked of the worker and not yet answered, oldest first. */
  private waiting: Waiting[] = [];
  /** A batch's entries are in the backlog only (the worker failed and so did the replay). */
  private behind = false;
  private readonly checkpointer: Checkpointer;
  /** Lines of the batch being written, and committed since the last checkpoint. */
  private batchLines = 0;
  private uncheckpointed = 0;
  /** Before `start` (while the store opens) entries go to the backlog only, replayed at open. */
  private live = false;
  private closed = false;

  /**
   * `done`: the newest backlog entry the index file has. `replay` indexes every newer backlog entry
   * on the main thread's own connection and returns the new `done` (it throws when it cannot).
   */
  constructor(
    private readonly file: string,
    mainFile: string,
    public done: number,
    private readonly replay: () => number,
  ) {
    this.checkpointer = new Checkpointer([mainFile, file]);
  }

  /** From now on batches go to the worker. */
  start(): void {
    this.live = true;
  }

  /** Starts collecting a batch's operations. */
  begin(): void {
    this.ops = [];
    this.piece = [];
    this.sent = false;
    this.batchLines = 0;
  }

  insert(day: number, rowid: number, values: FtsValues): void {
    const last = this.ops.at(-1);
    if (last && last.length === 2 && last[0] === day) last[1].push(rowid);
    else this.ops.push([day, [rowid]]);
    this.batchLines++;
    if (!this.live) return;
    this.piece.push(OP_INSERT, day, rowid, ...values);
    if (this.piece.length >= PIECE_OPS * OP_WIDTH) this.sendPiece();
  }

  remove(day: number, rowid: number, values: FtsValues): void {
    this.ops.push([day, rowid, values]);
    if (this.live) this.piece.push(OP_DELETE, day, rowid, ...values);
  }

  /** The batch's rows are written: its backlog entry, or null when it has nothing to index. */
  seal(): string | null {
    if (this.ops.length === 0) return null;
    if (this.live) {
      this.sendPiece();
      this.post({ t: 'seal' });
    }
    return JSON.stringify(this.ops);
  }

  /** The batch's transaction rolled back: so does the worker's. */
  abort(): void {
    if (this.sent) this.post({ t: 'rollback' });
    this.begin();
  }

  /** Before a batch: an index left behind by a failure is brought up to date first. */
  catchUp(): void {
    if (!this.behind) return;
    this.done = this.replay();
    this.behind = false;
  }

  /** Resolves once the index has committed the batch stored as backlog entry `seq`. */
  commit(seq: number): Promise<void> {
    const worker = this.sent ? this.worker : undefined;
    this.uncheckpointed += this.batchLines;
    this.begin();
    if (!worker) return this.replayed(seq, 'no index worker');
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
      }, COMMIT_TIMEOUT_MS);
      this.waiting.push({ seq, resolve, reject, timer });
      worker.ref();
      worker.postMessage({ t: 'commit', seq } satisfies ToWorker);
    });
  }

  /** Drops days' tables in the index file, after any batch the worker has in hand. */
  drop(days: number[]): void {
    if (days.length > 0 && this.worker) this.worker.postMessage({ t: 'drop', days } satisfies ToWorker);
    // Without a worker nothing holds the file: the next open drops the tables of days that are gone.
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer.close();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage({ t: 'close' } satisfies ToWorker);
    await exited;
  }

  private sendPiece(): void {
    if (this.piece.length === 0) return;
    this.post({ t: 'ops', ops: this.piece });
    this.piece = [];
  }

  private post(msg: ToWorker): void {
    if (this.closed) return;
    this.worker ??= this.spawn();
    this.worker.postMessage(msg);
    this.sent = true;
  }

  private spawn(): Worker {
    const worker = new Worker(bootCode(), {
      eval: true,
      workerData: { file: this.file } satisfies WorkerOptions,
    });
    worker.unref();
    let failure: string | undefined;
    worker.on('message', (msg: FromWorker) => {
      if (msg.t === 'committed') this.settle(msg.seq);
      else if (msg.t === 'failed') {
        // Replayed here once it has ended ('exit'): it may have begun the next batch already.
        failure ??= msg.message;
        void worker.terminate();
      }
    });
    // An exception in the worker ends it; 'exit' follows.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.fallBack(failure ?? 'the index worker ended');
    });
    return worker;
  }

  private settle(seq: number): void {
    const w = this.waiting.shift();
    if (!w) return;
    clearTimeout(w.timer);
    if (this.waiting.length === 0 && !this.closed) this.worker?.unref();
    this.done = Math.max(this.done, seq);
    w.resolve();
    if (this.uncheckpointed >= CHECKPOINT_LINES) {
      this.uncheckpointed = 0;
      this.checkpointer.request();
    }
  }

  /** The worker ended with batches in hand: index them from the backlog on this thread. */
  private fallBack(reason: string): void {
    const waiting = this.waiting;
    this.waiting = [];
    if (waiting.length === 0) return;
    for (const w of waiting) clearTimeout(w.timer);
    const last = waiting.at(-1)!;
    this.replayed(last.seq, reason).then(
      () => waiting.forEach((w) => w.resolve()),
      (cause: Error) => waiting.forEach((w) => w.reject(cause)),
    );
  }

  private replayed(seq: number, reason: string): Promise<void> {
    try {
      this.done = this.replay();
      this.behind = false;
      return Promise.resolve();
    } catch (cause) {
      this.behind = true;
      return Promise.reject(
        new BirdseyeError(
          'BE_STORAGE',
          `the full-text index could not be written (${reason}; then ${(cause as Error).message}); ` +
            `batch ${seq} is stored and is indexed once the store can write again`,
          { cause },
        ),
      );
    }
  }
}
