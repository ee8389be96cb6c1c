import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../../core/atomic-file.ts';

/**
 * The journald cursor on disk: `<stateDir>/journald.cursor`, one line, the `__CURSOR` of the last
 * entry known to be safe. Written atomically — a temporary file is written and fsynced, renamed
 * over the old one, and the directory fsynced — so a crash leaves the old cursor or the new one,
 * never a torn one.
 *
 * The write is synchronous, on purpose: it runs right after the pipeline learns its records are
 * safe, and every millisecond between the two is a window in which a kill -9 makes the next start
 * repeat entries; it also completes before a shutting-down process exits. The pipeline reports
 * durability once per delivered batch (about a write per second), and all commits of one batch
 * are folded into one write by deferring it to the end of the current tick.
 */
export class CursorStore {
  private next: string | undefined;
  private last: string | undefined;
  private scheduled = false;

  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async load(): Promise<string | undefined> {
    try {
      const text = (await readFile(this.file, 'utf8')).trim();
      this.last = text === '' ? undefined : text;
      return this.last;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The cursor last written (or loaded). */
  get committed(): string | undefined {
    return this.last;
  }

  commit(cursor: string): void {
    this.next = cursor;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Writes the newest committed cursor now, if it is not on disk yet. */
  flush(): void {
    this.scheduled = false;
    const cursor = this.next;
    if (cursor === undefined || cursor === this.last) return;
    try {
      writeFileAtomic(this.file, `${cursor}\n`);
      this.last = cursor;
    } catch (error) {
      // The old cursor stays and the next commit tries again; a restart meanwhile repeats entries.
      this.onError(error);
    }
  }
}
