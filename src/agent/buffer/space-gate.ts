import { BufferError } from './errors.ts';

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Bytes of disk the buffer may still use. `used` counts every segment byte on disk plus the bytes of
 * appends accepted but not yet written, so the files never outgrow `maxBytes`. Waiters are served
 * in arrival order: a later, smaller append does not overtake an earlier, larger one that waits.
 * Each waiter holds one entry in memory; the number of waiters is bounded by the number of callers
 * that each await their append (the pipeline has one in flight).
 */
export class SpaceGate {
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly maxBytes: number,
    public used: number,
  ) {}

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes `bytes` now if they fit and nobody waits ahead; otherwise false. */
  tryTake(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Takes `bytes` when they fit, after every earlier waiter. Rejects when the gate closes. */
  take(bytes: number): Promise<void> {
    if (this.tryTake(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ bytes, resolve, reject }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    for (let next = this.waiters[0]; next; next = this.waiters[0]) {
      if (this.used + next.bytes > this.maxBytes) break;
      this.waiters.shift();
      this.used += next.bytes;
      next.resolve();
    }
  }

  close(): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(
        new BufferError('BE_BUFFER_CLOSED', 'disk buffer closed while the append waited for space'),
      );
    }
  }
}
