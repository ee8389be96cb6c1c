import { writeFileAtomic } from '../../../core/atomic-file.ts';
import { readFile } from 'node:fs/promises';

/**
 * Where the Docker source is, on disk: `<stateDir>/docker.positions.json` holds the position of
 * the event stream and of each container's logs. A position is a time in epoch nanoseconds (as a
 * decimal string: Docker's times have 9 digits) and how many entries *at exactly that time* were
 * delivered. Docker's `since` is inclusive, so a resume asks for that time and skips that many —
 * entries sharing one nanosecond (a long line's 16 KiB parts do) are neither lost nor repeated.
 *
 * Positions change only in `onDurable`. Writes are atomic (temporary file, fsync, rename, fsync
 * of the directory) and synchronous, folded into one write per tick, like the journald cursor.
 *
 * The file alone would leave a window: a kill -9 after a batch is in the disk buffer but before
 * the file is written makes the next start read those entries again, and they would reach the
 * server twice (under a new batch id). So every emit also carries its position into the buffer as
 * a checkpoint keyed by container id (or `events`); at start the newest one per key that the
 * pipeline finds still buffered wins over the file (`recover`).
 */

export interface Position {
  ns: string;
  n: number;
}

export interface Positions {
  events?: Position;
  logs: Record<string, Position>;
}

export function comparePositions(a: Position, b: Position): number {
  const d = BigInt(a.ns) - BigInt(b.ns);
  return d !== 0n ? (d < 0n ? -1 : 1) : a.n - b.n;
}

/** Docker's `since` parameter: "<seconds>.<nanoseconds>". */
export function sinceParam(position: Position): string {
  const ns = BigInt(position.ns);
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
}

/** The key under which the event stream's position travels as a checkpoint; container ids are hex. */
export const EVENTS_KEY = 'events';

export function encodePosition(position: Position): string {
  return `${position.ns}:${position.n}`;
}

export function decodePosition(text: string): Position | undefined {
  const match = /^(\d+):(\d+)$/.exec(text);
  return match ? { ns: match[1]!, n: Number(match[2]) } : undefined;
}

export class PositionStore {
  private state: Positions = { logs: {} };
  private dirty = false;
  private scheduled = false;

  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async load(): Promise<Positions> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<Positions>;
      this.state = { events: parsed.events, logs: parsed.logs ?? {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(error);
    }
    return this.state;
  }

  /**
   * Takes the checkpoints found in the disk buffer at start (see the top of this file): each is at
   * least as new as what the file says, unless the file is newer, and the newer one is kept.
   */
  recover(checkpoints: ReadonlyMap<string, string> | undefined): void {
    for (const [key, text] of checkpoints ?? []) {
      const position = decodePosition(text);
      if (!position) continue;
      if (key === EVENTS_KEY) this.commitEvents(position);
      else this.commitLog(key, position);
    }
    this.flush();
  }

  get events(): Position | undefined {
    return this.state.events;
  }

  log(id: string): Position | undefined {
    return this.state.logs[id];
  }

  /** Moves the events position forward (never back: callbacks of older chunks may run late). */
  commitEvents(position: Position): void {
    if (this.state.events && comparePositions(position, this.state.events) <= 0) return;
    this.state.events = position;
    this.schedule();
  }

  commitLog(id: string, position: Position): void {
    const current = this.state.logs[id];
    if (current && comparePositions(position, current) <= 0) return;
    this.state.logs[id] = position;
    this.schedule();
  }

  /** A removed container's logs cannot be read again; its position goes too. */
  forget(id: string): void {
    if (!(id in this.state.logs)) return;
    delete this.state.logs[id];
    this.schedule();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.dirty) return;
    try {
      writeFileAtomic(this.file, JSON.stringify(this.state));
      this.dirty = false;
    } catch (error) {
      // The old positions stay; the next commit tries again. A restart meanwhile repeats entries.
      this.onError(error);
    }
  }
}
