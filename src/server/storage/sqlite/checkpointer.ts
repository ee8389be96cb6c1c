import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL of the store's two files back into them (a PASSIVE checkpoint: what no reader
 * still needs, never waiting for a writer) on a thread of its own, with a connection per file that
 * does nothing else. A checkpoint is mostly waiting for fsync; done by a writer it would hold up
 * the batch in hand (the main thread's rows, or the index worker's commit, which the batch's
 * answer waits for). The writers' own connections checkpoint only when a WAL grows ten times past
 * what this is asked to keep (no checkpointer, or a stuck one).
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/** Plain JavaScript (no loader needed): opens the files, checkpoints both on every request. */
function workerCode(): string {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  return `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(sqlite)});
const dbs = workerData.files.map((f) => new Database(f, { fileMustExist: true }));
parentPort.on('message', (msg) => {
  if (msg === 'close') {
    for (const db of dbs) db.close();
    parentPort.close();
    return;
  }
  for (const db of dbs) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or failing: the next request, or the writer's own autocheckpoint, does it.
    }
  }
});`;
}

export class Checkpointer {
  private worker: Worker | undefined;
  private closed = false;

  constructor(private readonly files: readonly string[]) {}

  /** Asks for a checkpoint of both files; returns at once. */
  request(): void {
    if (this.closed) return;
    if (!this.worker) {
      const worker = new Worker(workerCode(), { eval: true, workerData: { files: this.files } });
      worker.unref();
      // A checkpointer that fails ends; the writers' autocheckpoints stand in until the next request.
      worker.on('error', () => undefined);
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
      });
      this.worker = worker;
    }
    this.worker.postMessage('checkpoint');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Unreferenced, the thread would not keep a process that has nothing else to do alive until
    // it has closed its files: the process would end with close() pending.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }
}
