import { Worker } from 'node:worker_threads';
import type { Logger } from '../../core/logger.ts';
import type { ComponentCounters } from '../../core/telemetry.ts';
import type { MinerOptions, MinerStats } from './miner.ts';
import type { FromWorker, ToWorker } from './miner-worker.ts';

/**
 * The main thread's handle on the miner worker (miner-worker.ts). Ingest sends a batch's messages
 * and awaits their pattern ids; meanwhile the event loop writes other batches to storage, so mining
 * costs the write path only the copy of the messages into the worker.
 *
 * Policies, each counted in `component_discarded_events_total{component_kind="patterns"}` by reason
 * (the records are stored either way, only without a pattern id):
 * - Queue: at most `max_queued_lines` lines are with the worker at once. A batch that does not fit
 *   is not mined (`miner_queue_full`). Ingest never waits for a full queue, and mining it inline
 *   instead would need a second miner whose patterns drift from the worker's (one line shape, two
 *   ids); the miner is several times faster than the SQLite write path, so the queue fills only
 *   when the worker is starved or stuck.
 * - Crash: a worker that exits is restarted at once (the second crash in a row after a growing
 *   pause) and counted in `component_errors_total{stage="worker",error_type="exit"}`; the batches it held are sent
 *   to the new worker, and one that was with two workers that died is given up (`miner_failed`),
 *   so a line that crashes the miner cannot crash it forever. A new worker starts with no patterns;
 *   ids are a hash of source and template, so the same shapes get the same ids again.
 * - Hang: a batch unanswered for `timeout_ms` ends the worker, which then counts as a crash. A
 *   batch waiting that long for a worker to be restarted is given up (`miner_unavailable`).
 */
export interface MinerThreadOptions {
  readonly miner: Partial<MinerOptions>;
  readonly max_queued_lines: number;
  readonly timeout_ms: number;
}

export interface MinedBatch {
  readonly ids: readonly string[];
  readonly absorbed: ReadonlyArray<readonly [number, string]>;
}

interface Request {
  readonly msg: ToWorker;
  readonly lines: number;
  readonly settle: (reply: FromWorker | undefined) => void;
  attempts: number;
  sentAt: number;
}

const EMPTY_STATS: MinerStats = {
  trees: 0,
  patterns: 0,
  created: 0,
  merged: 0,
  evicted_patterns: 0,
  evicted_trees: 0,
};

/**
 * A worker runs no loader of its own: it registers tsx (the same one the server runs under, which
 * does nothing the second time) before it imports the TypeScript worker module.
 */
function bootCode(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./miner-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

export class MinerThread {
  /** The miner's size as the worker last reported it (at most a second old while lines arrive). */
  stats: MinerStats = EMPTY_STATS;
  /** Workers started after the first one. */
  restarts = 0;
  private worker: Worker | undefined;
  private readonly inFlight = new Map<number, Request>();
  private queuedLines = 0;
  private seq = 0;
  /** Crashes since the last answer: a worker that dies on start is restarted ever more slowly. */
  private crashes = 0;
  private respawn: NodeJS.Timeout | undefined;
  /** The worker the watchdog is ending, so it is not ended (and counted) again before it exits. */
  private ending: Worker | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly options: MinerThreadOptions,
    private readonly counters: ComponentCounters,
    private readonly logger?: Logger,
  ) {
    this.spawn();
    this.watchdog = setInterval(() => this.check(), Math.max(50, options.timeout_ms / 4));
    this.watchdog.unref();
  }

  /** Pattern ids for the lines, in order; undefined when the batch could not be mined (counted). */
  async mine(tenant: string, sources: string[], messages: string[]): Promise<MinedBatch | undefined> {
    const lines = messages.length;
    if (this.closed) {
      this.counters.discarded('miner_closed', lines);
      return undefined;
    }
    if (this.queuedLines > 0 && this.queuedLines + lines > this.options.max_queued_lines) {
      this.counters.discarded('miner_queue_full', lines);
      return undefined;
    }
    const reply = await this.request({ kind: 'mine', seq: ++this.seq, tenant, sources, messages }, lines);
    return reply?.kind === 'mined' ? reply : undefined;
  }

  /** Current templates of these patterns (null: evicted); undefined when the worker could not say. */
  async templates(keys: Array<[string, string, string]>): Promise<Array<string | null> | undefined> {
    if (this.closed || keys.length === 0) return keys.map(() => null);
    const reply = await this.request({ kind: 'templates', seq: ++this.seq, keys }, 0);
    return reply?.kind === 'templates' ? reply.templates : undefined;
  }

  private request(msg: ToWorker, lines: number): Promise<FromWorker | undefined> {
    return new Promise((settle) => {
      const req: Request = { msg, lines, settle, attempts: 0, sentAt: Date.now() };
      this.inFlight.set(msg.seq, req);
      if (this.inFlight.size === 1) {
        this.worker?.ref();
        this.respawn?.ref();
      }
      this.queuedLines += lines;
      if (this.worker) this.send(this.worker, req);
    });
  }

  private send(worker: Worker, req: Request): void {
    req.attempts++;
    req.sentAt = Date.now();
    worker.postMessage(req.msg);
  }

  private finish(seq: number, reply: FromWorker | undefined, reason?: string): void {
    const req = this.inFlight.get(seq);
    if (!req) return;
    this.inFlight.delete(seq);
    this.queuedLines -= req.lines;
    if (this.inFlight.size === 0) this.worker?.unref();
    if (reply === undefined && reason !== undefined && req.lines > 0)
      this.counters.discarded(reason, req.lines);
    req.settle(reply);
  }

  private spawn(): void {
    this.respawn = undefined;
    if (this.closed) return;
    const worker = new Worker(bootCode(), { eval: true, workerData: this.options.miner });
    // Idle, the worker does not keep the process alive; with batches in flight it does.
    if (this.inFlight.size === 0) worker.unref();
    this.worker = worker;
    worker.on('message', (reply: FromWorker) => {
      this.crashes = 0;
      if (reply.kind === 'mined' && reply.stats) this.stats = reply.stats;
      this.finish(reply.seq, reply);
    });
    worker.on('error', (error) => this.logger?.warn({ err: error }, 'pattern miner worker failed'));
    worker.on('exit', () => this.exited(worker));
    for (const req of this.inFlight.values()) this.send(worker, req);
  }

  private exited(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.closed) return;
    this.restarts++;
    this.crashes++;
    this.counters.error('worker', 'exit');
    this.logger?.warn({ restarts: this.restarts }, 'pattern miner worker ended; restarting it');
    this.stats = EMPTY_STATS;
    for (const [seq, req] of this.inFlight)
      if (req.attempts >= 2) this.finish(seq, undefined, 'miner_failed');
    const pause = this.crashes <= 1 ? 0 : Math.min(30_000, 250 * 2 ** this.crashes);
    this.respawn = setTimeout(() => this.spawn(), pause);
    if (this.inFlight.size === 0) this.respawn.unref();
  }

  /** Ends a worker that sits on a batch for `timeout_ms`; gives up batches no worker took that long. */
  private check(): void {
    const now = Date.now();
    for (const [seq, req] of this.inFlight) {
      if (now - req.sentAt < this.options.timeout_ms) continue;
      if (this.worker) {
        if (this.ending === this.worker) return;
        this.ending = this.worker;
        this.counters.error('worker', 'timeout');
        this.logger?.warn(
          { waited_ms: now - req.sentAt },
          'pattern miner worker does not answer; restarting it',
        );
        void this.worker.terminate();
        return;
      }
      this.finish(seq, undefined, 'miner_unavailable');
    }
  }

  /** Ends the worker, as a crash would (tests use it to see the restart); returns once it is gone. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Stops the worker; batches still with it are stored without pattern ids. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.respawn);
    const worker = this.worker;
    this.worker = undefined;
    for (const seq of [...this.inFlight.keys()]) this.finish(seq, undefined, 'miner_closed');
    await worker?.terminate();
  }
}
