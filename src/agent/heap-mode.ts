import v8 from 'node:v8';

/**
 * Switches V8's memory-saving mode (`--optimize-for-size`) by how many lines the agent takes in.
 * The mode keeps the heap close to what is live, which the agent wants beside the workloads: 86
 * instead of 173 MB following 50 containers. But under load it collects so often that catching up
 * costs twice the CPU: a journald backlog of 100,000 entries took 4.1 instead of 2.5 agent
 * CPU-seconds (12,900 instead of 25,700 lines/s). So the agent runs in it while it takes in few
 * lines, and leaves it while it takes in many (a backlog, a burst). It starts out of it: a start is
 * when an agent catches up with what came while it was down. V8 reads the flag each time it sizes
 * the heap, so it takes effect while running.
 *
 * The small mode also scavenges, sweeps and compacts on the main thread alone: on a heap of 20 MB,
 * V8's four helper threads cost more in waking and handing over than they save (following 50
 * containers, the agent's other threads took 1.10 instead of 1.37 % of a core, its main thread no
 * more). V8 reads these flags at each collection too. Concurrent marking stays on: switching it
 * while running makes V8 abort.
 */

export const SMALL_FLAGS =
  '--optimize-for-size --no-parallel-scavenge --no-concurrent-sweeping --no-parallel-compaction --no-parallel-pointer-update';
export const FAST_FLAGS =
  '--no-optimize-for-size --parallel-scavenge --concurrent-sweeping --parallel-compaction --parallel-pointer-update';

/** Lines per second in above which the agent leaves the memory-saving mode. */
export const FAST_ABOVE_PER_S = 4000;
/** It goes back once the rate has stayed below this for `QUIET_CHECKS` checks in a row. */
export const SMALL_BELOW_PER_S = 2000;
const QUIET_CHECKS = 5;
const CHECK_MS = 1000;

export type HeapModeName = 'small' | 'fast';

export class HeapMode {
  private timer: NodeJS.Timeout | undefined;
  private last: { lines: number; ms: number };
  private quiet = 0;
  private current: HeapModeName = 'fast';

  /**
   * `lines`: the lines taken in so far (a counter). `setFlags` and `now` are for tests; `onSwitch`
   * is told each change with the rate that caused it.
   */
  constructor(
    private readonly lines: () => number,
    private readonly onSwitch: (mode: HeapModeName, perSecond: number) => void = () => undefined,
    private readonly setFlags: (flags: string) => void = (flags) => v8.setFlagsFromString(flags),
    private readonly now: () => number = Date.now,
  ) {
    this.last = { lines: lines(), ms: now() };
  }

  get mode(): HeapModeName {
    return this.current;
  }

  start(): this {
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look at the rate since the last; public for tests. */
  check(): void {
    const lines = this.lines();
    const ms = this.now();
    const perSecond = ms > this.last.ms ? ((lines - this.last.lines) * 1000) / (ms - this.last.ms) : 0;
    this.last = { lines, ms };
    if (perSecond > FAST_ABOVE_PER_S) {
      this.quiet = 0;
      if (this.current === 'small') this.switch('fast', perSecond);
      return;
    }
    this.quiet = perSecond < SMALL_BELOW_PER_S ? this.quiet + 1 : 0;
    if (this.current === 'fast' && this.quiet >= QUIET_CHECKS) this.switch('small', perSecond);
  }

  private switch(mode: HeapModeName, perSecond: number): void {
    this.current = mode;
    this.setFlags(mode === 'small' ? SMALL_FLAGS : FAST_FLAGS);
    this.onSwitch(mode, perSecond);
  }
}

/**
 * The environment the deployments give the agent (deploy/systemd, the Dockerfile), for glibc's
 * malloc, which reads it only when the process starts (other C libraries ignore it):
 * - `MALLOC_MMAP_THRESHOLD_` holds the threshold at glibc's default of 128 KiB. Unset, glibc raises
 *   it to the size of each large block freed (up to 32 MB), so after a catch-up's large buffers,
 *   blocks of up to that size come from the brk heap, which gives memory back only from its top.
 * - `MALLOC_ARENA_MAX` keeps V8's and libuv's threads from each holding an arena of their own.
 * Following 50 containers after a catch-up (bench/docker.ts, two pairs of runs side by side): the
 * brk heap 10–12 MB instead of 11–21, the threads' arenas under 1 MB instead of 9–10, RSS at the
 * end 84.5 and 89.7 MB instead of 95.2 and 98.7.
 */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_ARENA_MAX: '2' } as const;
