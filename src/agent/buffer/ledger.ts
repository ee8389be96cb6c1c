import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const LEDGER = 'ledger.json';

/** Makes a create, rename or delete in `dir` survive power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The acknowledged positions: every record id up to `acked_id` has been delivered to every
 * consumer and may be deleted; `cursors` holds each consumer's own position (several sinks drain one
 * buffer, each at its own pace), absent in ledgers written before there were several.
 * Written as a whole new file and renamed over the old one, so a crash leaves either the old or the
 * new value, never a mix. Concurrent acks are coalesced: at most one write is in flight and the next
 * one carries the newest state asked for meanwhile.
 */
export interface LedgerState {
  acked_id: number;
  cursors?: Record<string, number>;
}

export class Ledger {
  private wanted: LedgerState;
  /** Bumped on every change; a write makes the version it started from durable. */
  private version = 0;
  private durableVersion = 0;
  private writing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private durable: number,
    cursors: Record<string, number> | undefined,
  ) {
    this.wanted = cursors ? { acked_id: durable, cursors } : { acked_id: durable };
  }

  /**
   * Reads the ledger; `undefined` acked id when the file is missing or unreadable (the caller then
   * re-delivers everything it still has: a duplicate the server drops beats a loss).
   */
  static async open(dir: string): Promise<{
    ledger: Ledger;
    acked: number | undefined;
    cursors?: Record<string, number>;
    problem?: string;
  }> {
    await rm(path.join(dir, `${LEDGER}.tmp`), { force: true });
    let acked: number | undefined;
    let cursors: Record<string, number> | undefined;
    let problem: string | undefined;
    try {
      const parsed = JSON.parse(await readFile(path.join(dir, LEDGER), 'utf8')) as {
        acked_id?: unknown;
        cursors?: unknown;
      };
      if (Number.isSafeInteger(parsed.acked_id) && Number(parsed.acked_id) >= 0)
        acked = Number(parsed.acked_id);
      else problem = 'acked_id is not a non-negative integer';
      if (acked !== undefined && parsed.cursors !== null && typeof parsed.cursors === 'object') {
        cursors = {};
        for (const [name, id] of Object.entries(parsed.cursors as Record<string, unknown>)) {
          if (Number.isSafeInteger(id) && Number(id) >= acked) cursors[name] = Number(id);
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem = String(err);
    }
    const ledger = new Ledger(dir, acked ?? 0, cursors);
    if (problem !== undefined) return { ledger, acked, problem };
    return cursors ? { ledger, acked, cursors } : { ledger, acked };
  }

  /** The highest id known to be on disk as acknowledged. */
  get durableId(): number {
    return this.durable;
  }

  /** Resolves once an acked id of at least `id` (and these consumer positions, if given) is durable. */
  async persist(id: number, cursors?: Record<string, number>): Promise<void> {
    const ackedId = Math.max(this.wanted.acked_id, id);
    const cursorsChanged =
      cursors !== undefined && JSON.stringify(cursors) !== JSON.stringify(this.wanted.cursors);
    if (ackedId !== this.wanted.acked_id || cursorsChanged) {
      const keep = cursors ?? this.wanted.cursors;
      this.wanted = keep ? { acked_id: ackedId, cursors: { ...keep } } : { acked_id: ackedId };
      this.version += 1;
    }
    const target = this.version;
    while (this.durableVersion < target || this.durable < id) {
      this.writing ??= this.write();
      await this.writing;
    }
  }

  /** Waits for a write in flight, if any. */
  async settle(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  private async write(): Promise<void> {
    const state = this.wanted;
    const version = this.version;
    const file = path.join(this.dir, LEDGER);
    try {
      const fh = await open(`${file}.tmp`, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(state) + '\n');
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(`${file}.tmp`, file);
      await syncDir(this.dir);
      this.durable = Math.max(this.durable, state.acked_id);
      this.durableVersion = Math.max(this.durableVersion, version);
    } finally {
      this.writing = undefined;
    }
  }
}
