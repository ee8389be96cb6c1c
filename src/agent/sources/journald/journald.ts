import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { componentCounters, Telemetry, type ComponentCounters } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import { journalRecord } from '../../../parse/formats/journal-json.ts';
import { backoffMs } from '../../retry.ts';
import type { Emit, Flow, Source, SourceContext } from '../source.ts';
import type { JournaldConfig } from './config.ts';
import { CursorStore } from './cursor-store.ts';
import { ExportFramer, type ExportEntry } from './export-framer.ts';
import {
  isBadCursorError,
  journalAvailable,
  journalctlArgs,
  sameEntry,
  type StartPosition,
} from './journalctl.ts';

/**
 * Forwards the node's journal by following `journalctl --output=export` (see journalctl.ts for the
 * flags and why; export-framer.ts for the format). Invariants:
 *
 * - Position: the cursor file holds the `__CURSOR` of the last entry of a chunk whose `onDurable`
 *   ran, and is written only there. An agent start resumes from it; a journalctl restart inside a
 *   running agent resumes after the last entry *read*, since everything read is already queued.
 * - Order: entries leave in the order journalctl printed them. When the pipeline has no room the
 *   source stops reading journalctl's stdout (the pipe fills and journalctl blocks) and emits the
 *   held entries, in order, once `flow.room` says they fit — nothing is dropped for lack of room.
 * - Gaps: when the saved cursor's entry no longer exists (rotated or vacuumed away), reading
 *   resumes at the first entry that does and `journald_cursor_gaps_total` counts it, with a warning.
 * - Delivery: every entry is emitted with its own cursor as checkpoint, so each batch in the disk
 *   buffer carries the cursor of its last journal entry, and the cursor file is written
 *   synchronously right after that batch's buffer write. A kill -9 between the two is covered at
 *   the next start: the pipeline hands back the newest checkpoint it finds in the unacknowledged
 *   part of the buffer (`Flow.recoveredCheckpoint`), which is never older than the file. Once a
 *   batch is acknowledged (an fsynced ledger write, later than the synchronous cursor write) the
 *   file holds its cursor or a newer one. A re-sent batch keeps its batch id, so the server drops
 *   it; entries read again from journalctl would get new ids, which is why no entry may be in the
 *   buffer past the newest saved position.
 */

/** Records asked room for at once; no more than the smallest allowed agent.max_queue_events. */
const CHUNK_RECORDS = 100;
/** Times journalctl must fail to seek to the same cursor before it counts as invalid. */
const BAD_CURSOR_TRIES = 3;
/** Entries read ahead of the pipeline at most before reading pauses. */
const READ_AHEAD_RECORDS = 1_000;
const STDERR_KEEP_BYTES = 4_096;
/** After the pipeline refused a record (it is stopping), wait before retrying. */
const REFUSED_RETRY_MS = 200;
/**
 * After at least a batch's worth of entries since the last such flush (a backlog: an agent start,
 * a burst), journalctl printing nothing for this long means it has caught up: what is staged is
 * batched at once instead of after batch_max_wait_ms. A trickle stays batched by time; it ends one
 * batch early at most once per batch's worth of entries.
 */
const CAUGHT_UP_MS = 50;

interface Held {
  record: LogRecord;
  cursor: string | undefined;
}

/** The registry's factory: resolves `enabled: 'auto'` to whether there is a journal to read. */
export function journaldSource(config: JournaldConfig, context: SourceContext): JournaldSource | undefined {
  if (config.enabled === false) return undefined;
  if (config.enabled === 'auto' && !journalAvailable(config)) return undefined;
  return new JournaldSource(config, context);
}

export class JournaldSource implements Source {
  readonly kind = 'journald';
  readonly id = 'journald';
  readonly telemetry: Telemetry;
  private readonly counters: ComponentCounters;
  private readonly cursors: CursorStore;
  private emit: Emit | undefined;
  private flow: Flow | undefined;
  private child: ReturnType<typeof spawn> | undefined;
  private exited: Promise<void> | undefined;
  private held: Held[] = [];
  private waiting = false;
  /** Entries emitted since the pipeline was last flushed (see CAUGHT_UP_MS). */
  private sinceFlush = 0;
  private caughtUpTimer: NodeJS.Timeout | undefined;
  private firstPosition: StartPosition | undefined;
  private lastRead: string | undefined;
  /** The cursor journalctl was started at: its first entry is that one, unless it was removed. */
  private expect: string | undefined;
  private attempt = 0;
  private badCursorTries = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: JournaldConfig,
    private readonly context: SourceContext,
  ) {
    this.telemetry = context.telemetry ?? new Telemetry();
    this.counters = componentCounters(this.telemetry, 'source', this.id);
    this.cursors = new CursorStore(path.join(context.stateDir, 'journald.cursor'), (error) => {
      this.counters.error('commit', 'cursor_write');
      context.log.warn({ err: error }, 'journald: cannot save the cursor; a restart would repeat entries');
    });
  }

  start(emit: Emit, flow?: Flow): void {
    this.emit = emit;
    this.flow = flow;
    this.starting = this.begin().catch((error: unknown) => {
      this.counters.error('start', 'state');
      this.context.log.error({ err: error }, 'journald: cannot start');
    });
  }

  private async begin(): Promise<void> {
    await mkdir(this.context.stateDir, { recursive: true });
    const fromFile = await this.cursors.load();
    // Entries up to a checkpoint found in the disk buffer are buffered already, whatever the file says.
    const recovered = this.flow?.recoveredCheckpoint;
    if (recovered !== undefined && recovered !== fromFile) {
      this.cursors.commit(recovered);
      this.cursors.flush();
    }
    const saved = recovered ?? fromFile;
    this.firstPosition =
      saved !== undefined ? { kind: 'cursor', cursor: saved } : { kind: this.config.start_at };
    this.run();
  }

  private run(): void {
    if (this.stopped) return;
    const position: StartPosition =
      this.lastRead !== undefined ? { kind: 'cursor', cursor: this.lastRead } : this.firstPosition!;
    this.expect = position.kind === 'cursor' ? position.cursor : undefined;
    const child = spawn(this.config.journalctl_path, journalctlArgs(this.config, position), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const framer = new ExportFramer(this.config.max_line_bytes);
    let stderr = '';
    let read = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      read += this.take(framer.push(chunk));
      this.counters.received(0, chunk.length);
      this.caughtUpTimer?.refresh();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP_BYTES);
    });
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null, error?: Error) => {
        if (done) return;
        done = true;
        read += this.take(framer.flush());
        if (this.child === child) this.child = undefined;
        this.exitedWith(position, read, { code, signal, stderr: error ? error.message : stderr.trim() });
        resolve();
      };
      child.on('close', (code, signal) => finish(code, signal));
      // A journalctl that cannot be started reports only 'error'.
      child.on('error', (error) => finish(null, null, error));
    });
  }

  private exitedWith(
    position: StartPosition,
    read: number,
    exit: { code: number | null; signal: string | null; stderr: string },
  ): void {
    if (this.stopped) return;
    const badCursor = position.kind === 'cursor' && read === 0 && isBadCursorError(exit.stderr);
    // journalctl also fails to seek while journal files are being rotated or written: only a
    // cursor that keeps failing is given up (re-reading from the oldest entry repeats entries).
    if (badCursor && ++this.badCursorTries >= BAD_CURSOR_TRIES) {
      this.badCursorTries = 0;
      this.gap('invalid_cursor', { cursor: position.cursor, stderr: exit.stderr });
      this.lastRead = undefined;
      this.firstPosition = { kind: 'oldest' };
      this.restartTimer = setTimeout(() => this.run(), 0);
      return;
    }
    const delay = backoffMs(
      this.attempt++,
      this.config.restart_initial_backoff_ms,
      this.config.restart_max_backoff_ms,
    );
    this.telemetry.add('journald_restarts_total', 'Times journalctl exited and was started again.', {});
    this.counters.error('journalctl', exit.code === null && exit.signal === null ? 'spawn' : 'exit');
    this.context.log.warn({ ...exit, restart_in_ms: delay }, 'journald: journalctl exited; restarting it');
    this.restartTimer = setTimeout(() => this.run(), delay);
  }

  private gap(reason: string, detail: Record<string, unknown>): void {
    this.telemetry.add(
      'journald_cursor_gaps_total',
      'Times the saved journal position was gone (rotated, vacuumed or invalid) and reading resumed at the oldest entry.',
      { reason },
    );
    this.context.log.warn(
      { ...detail, reason },
      'journald: the saved cursor is no longer in the journal; resuming at the oldest entry after it (entries in between were removed)',
    );
  }

  /** Turns entries into held records; returns how many entries were read. */
  private take(entries: ExportEntry[]): number {
    if (entries.length === 0) return 0;
    const context = { received_ts: Date.now(), host: this.context.hostName, source: 'journald' };
    for (const entry of entries) {
      const record = journalRecord(entry.fields, context);
      if (entry.truncated) record.truncated = true;
      const cursor = entry.fields.__CURSOR;
      if (this.expect !== undefined) {
        const expected = this.expect;
        this.expect = undefined;
        // Already delivered before the restart: journalctl starts *at* the cursor.
        if (cursor !== undefined && sameEntry(cursor, expected)) continue;
        this.gap('cursor_not_found', { cursor: expected, resumed_at: cursor });
      }
      if (cursor !== undefined) this.lastRead = cursor;
      else this.counters.error('parse', 'no_cursor');
      this.held.push({ record, cursor });
    }
    this.attempt = 0;
    this.badCursorTries = 0;
    if (this.held.length >= READ_AHEAD_RECORDS) this.child?.stdout?.pause();
    this.drain();
    return entries.length;
  }

  /**
   * Emits held records in order, as far as the pipeline has room; resumes reading when caught up.
   * Records go in chunks of up to CHUNK_RECORDS (no more than a batch holds), each with the
   * cursor of its last entry as checkpoint and cursor commit. The pipeline never splits a chunk
   * that carries a position across batches, so no batch ends past the last position saved (a
   * checkpoint in the buffer or the cursor file): a kill -9 right after a batch was delivered
   * cannot make the next start read its records again.
   */
  private drain(): void {
    if (this.waiting) return;
    while (this.held.length > 0 && !this.stopped) {
      const n = Math.min(CHUNK_RECORDS, this.flow?.batchCapacity ?? CHUNK_RECORDS, this.held.length);
      const wait = this.flow?.room(n);
      if (wait) return this.waitThen(wait);
      if (!this.emitChunk(this.held.slice(0, n))) {
        // The pipeline is stopping, or its queue is smaller than it said: try again later.
        this.counters.error('emit', 'refused');
        return this.waitThen(new Promise((resolve) => setTimeout(resolve, REFUSED_RETRY_MS).unref()));
      }
      this.held.splice(0, n);
      this.counters.received(n);
      this.sinceFlush += n;
    }
    if (this.held.length < READ_AHEAD_RECORDS) this.child?.stdout?.resume();
    if (this.sinceFlush >= (this.flow?.batchCapacity ?? Infinity)) {
      this.caughtUpTimer ??= setTimeout(() => this.caughtUp(), CAUGHT_UP_MS).unref();
    }
  }

  /** journalctl went quiet after a backlog: send its end now (held entries wait for room first). */
  private caughtUp(): void {
    if (this.held.length > 0) {
      this.caughtUpTimer!.refresh();
      return;
    }
    this.caughtUpTimer = undefined;
    this.sinceFlush = 0;
    this.flow?.flush?.();
  }

  private emitChunk(chunk: Held[]): boolean {
    const logs = chunk.map((held) => held.record);
    const cursor = chunk.findLast((held) => held.cursor !== undefined)?.cursor;
    if (cursor === undefined) return this.emit!({ logs });
    return this.emit!({ logs, checkpoint: cursor }, () => this.cursors.commit(cursor));
  }

  private waitThen(wait: Promise<void>): void {
    this.waiting = true;
    this.child?.stdout?.pause();
    void wait.then(() => {
      this.waiting = false;
      this.drain();
    });
  }

  /** Stops journalctl and waits for pending cursor writes. Safe to call more than once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.caughtUpTimer);
    await this.starting;
    this.child?.kill('SIGTERM');
    await this.exited;
    this.cursors.flush();
  }
}
