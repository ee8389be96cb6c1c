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
 * The acknowledged position: every record id up to `acked_id` has been delivered and may be deleted.
 * Written as a whole new file and renamed over the old one, so a crash leaves either the old or the
 * new value, never a mix. Concurrent acks are coalesced: at most one write is in flight and the next
 * one carries the highest id asked for meanwhile.
 */
export class Ledger {
  private wanted: number;
  private writing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private durable: number,
  ) {
    this.wanted = durable;
  }

  /**
   * Reads the ledger; `undefined` acked id when the file is missing or unreadable (the caller then
   * re-delivers everything it still has: a duplicate the server drops beats a loss).
   */
  static async open(dir: string): Promise<{ ledger: Ledger; acked: number | undefined; problem?: string }> {
    await rm(path.join(dir, `${LEDGER}.tmp`), { force: true });
    let acked: number | undefined;
    let problem: string | undefined;
    try {
      const parsed = JSON.parse(await readFile(path.join(dir, LEDGER), 'utf8')) as { acked_id?: unknown };
      if (Number.isSafeInteger(parsed.acked_id) && Number(parsed.acked_id) >= 0)
        acked = Number(parsed.acked_id);
      else problem = 'acked_id is not a non-negative integer';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem = String(err);
    }
    const ledger = new Ledger(dir, acked ?? 0);
    return problem === undefined ? { ledger, acked } : { ledger, acked, problem };
  }

  /** The highest id known to be on disk as acknowledged. */
  get durableId(): number {
    return this.durable;
  }

  /** Resolves once an acked id of at least `id` is durable. */
  async persist(id: number): Promise<void> {
    if (id > this.wanted) this.wanted = id;
    while (this.durable < id) {
      this.writing ??= this.write();
      await this.writing;
    }
  }

  /** Waits for a write in flight, if any. */
  async settle(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  private async write(): Promise<void> {
    const value = this.wanted;
    const file = path.join(this.dir, LEDGER);
    try {
      const fh = await open(`${file}.tmp`, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify({ acked_id: value }) + '\n');
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(`${file}.tmp`, file);
      await syncDir(this.dir);
      this.durable = Math.max(this.durable, value);
    } finally {
      this.writing = undefined;
    }
  }
}
