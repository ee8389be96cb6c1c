import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real journal for tests: journal files written by systemd-journal-remote (Debian `systemd-
 * journal-remote`) from journal export format, read back by the real journalctl. Entries carry the
 * timestamps, boot ids and fields the test chooses, so a test can check that the microseconds
 * arrive exactly and play boots, rotation and vacuum without touching the node's own journal.
 */

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const JOURNALCTL = '/usr/bin/journalctl';

/** Installs the parts through the project's setup script when possible, else fails saying what to install. */
export function requireJournalTools(): void {
  if (existsSync(JOURNAL_REMOTE) && existsSync(JOURNALCTL)) return;
  const setup = new URL('../../scripts/setup.mjs', import.meta.url).pathname;
  spawnSync(process.execPath, [setup], { stdio: 'inherit' });
  if (!existsSync(JOURNAL_REMOTE) || !existsSync(JOURNALCTL)) {
    throw new Error(
      `journald tests need ${JOURNALCTL} and ${JOURNAL_REMOTE}: apt-get install -y systemd systemd-journal-remote`,
    );
  }
}

export interface TestEntry {
  message: string | Buffer;
  /** __REALTIME_TIMESTAMP, microseconds since the epoch. */
  realtimeUs: bigint;
  bootId?: string;
  fields?: Record<string, string>;
}

export const BOOT_A = '0a0a0a0a0a0a4a0a8a0a0a0a0a0a0a0a';
export const BOOT_B = '0b0b0b0b0b0b4b0b8b0b0b0b0b0b0b0b';

/** One entry in journal export format; a Buffer value uses the binary form (name, LE64 length, bytes). */
function exportEntry(entry: TestEntry, monotonicUs: bigint): Buffer {
  const parts: Buffer[] = [];
  const field = (name: string, value: string | Buffer) => {
    if (typeof value === 'string' && !value.includes('\n')) parts.push(Buffer.from(`${name}=${value}\n`));
    else {
      const data = Buffer.from(value);
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(data.length));
      parts.push(Buffer.from(`${name}\n`), size, data, Buffer.from('\n'));
    }
  };
  field('__REALTIME_TIMESTAMP', String(entry.realtimeUs));
  field('__MONOTONIC_TIMESTAMP', String(monotonicUs));
  field('_BOOT_ID', entry.bootId ?? BOOT_B);
  field('_HOSTNAME', 'journal-test');
  field('SYSLOG_IDENTIFIER', 'birdseye-test');
  field('PRIORITY', '6');
  for (const [name, value] of Object.entries(entry.fields ?? {})) field(name, value);
  field('MESSAGE', entry.message);
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

export class TestJournal {
  readonly dir: string;
  private file = 0;
  private monotonicUs = 1_000_000n;

  constructor() {
    requireJournalTools();
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-journal-'));
  }

  /** The journal file new entries go to. */
  get currentFile(): string {
    return path.join(this.dir, `part-${this.file}.journal`);
  }

  write(entries: TestEntry[]): void {
    const input = Buffer.concat(entries.map((entry) => exportEntry(entry, (this.monotonicUs += 1000n))));
    execFileSync(JOURNAL_REMOTE, [`--output=${this.currentFile}`, '-'], {
      input,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  }

  /** Later entries go to a new file, with a new sequence-number id, as after journald's rotation. */
  rotate(): void {
    this.file++;
  }

  /**
   * Deletes every file but the current one: what `journalctl --vacuum-files=1` does to a node's
   * archived files (vacuum only unlinks archived files, which journal-remote's files never are).
   */
  vacuum(): void {
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      if (file !== this.currentFile) rmSync(file);
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Entries `from`..`to` (inclusive) with messages "entry <n>" and distinct microsecond times. */
export function numbered(
  from: number,
  to: number,
  bootId = BOOT_B,
  baseUs = 1_750_000_000_000_000n,
): TestEntry[] {
  const out: TestEntry[] = [];
  for (let n = from; n <= to; n++) {
    // 1001 µs apart, so every entry's time has a sub-millisecond part that must survive.
    out.push({
      message: `entry ${n}`,
      realtimeUs: baseUs + BigInt(n) * 1001n,
      bootId,
      fields: { N: String(n) },
    });
  }
  return out;
}
