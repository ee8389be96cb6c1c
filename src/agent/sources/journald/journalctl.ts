import { existsSync } from 'node:fs';
import path from 'node:path';
import { SEVERITIES } from '../../../model/log-record.ts';
import type { JournaldConfig } from './config.ts';

/**
 * How the source drives `journalctl`, as pure functions. What journalctl 252 (Debian 12) does,
 * found by running it against journal files written by systemd-journal-remote:
 *
 * - `--follow` alone shows only the current boot: with a cursor from before a reboot, the rest
 *   of the previous boot would be skipped. `--merge` lifts that restriction (it is refused with
 *   `--boot`, which asks for that restriction anyway).
 * - `--after-cursor=C` with C's entry gone (rotated or vacuumed) seeks to the nearest position and
 *   then skips one entry without checking it: the oldest surviving entry would be lost. So the
 *   source passes `--cursor=C` instead and drops the first entry itself only when it is C.
 * - A malformed cursor makes journalctl exit 1 with "Failed to seek to cursor".
 * - `--follow` prints the last 10 entries first unless told `--lines=0` or `--no-tail`.
 * - With no journal files at all, `--follow` exits 1 ("… boot … is not available").
 * - `--output=export` costs journalctl a third of the CPU of `--output=json` for the same entries
 *   (bench/journald-source.ts), and carries every field, large ones included, without `--all`.
 */

export type StartPosition =
  | { kind: 'cursor'; cursor: string }
  /** First start: `start_at` from the config. */
  | { kind: 'now' }
  | { kind: 'boot' }
  /** The saved cursor was unusable: everything journalctl still has. */
  | { kind: 'oldest' };

export function journalctlArgs(config: JournaldConfig, position: StartPosition): string[] {
  const args = ['--output=export', '--follow', '--all', '--quiet', '--no-pager'];
  // --merge is refused together with --boot, which limits to the current boot anyway.
  if (position.kind !== 'boot') args.push('--merge');
  if (config.directory !== undefined) args.push(`--directory=${config.directory}`);
  for (const unit of config.units) args.push(`--unit=${unit}`);
  const priority =
    typeof config.priority === 'number' ? config.priority : SEVERITIES.indexOf(config.priority);
  // -p 7 would still drop entries without a PRIORITY field; "everything" passes no filter at all.
  if (priority < 7) args.push(`--priority=${priority}`);
  switch (position.kind) {
    case 'cursor':
      args.push(`--cursor=${position.cursor}`, '--no-tail');
      break;
    case 'now':
      args.push('--lines=0');
      break;
    case 'boot':
      args.push('--boot', '--no-tail');
      break;
    case 'oldest':
      args.push('--no-tail');
      break;
  }
  return args;
}

/**
 * Whether two cursors name the same entry. A cursor is `s=<seqnum id>;i=<seqnum>;b=<boot>;m=…;
 * t=…;x=…`; journald's seqnum id and seqnum identify an entry within its journal, which is how
 * sd_journal_test_cursor decides too.
 */
export function sameEntry(a: string, b: string): boolean {
  if (a === b) return true;
  const fields = (cursor: string) =>
    new Map(
      cursor.split(';').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
    );
  const fa = fields(a);
  const fb = fields(b);
  const s = fa.get('s');
  return s !== undefined && s === fb.get('s') && fa.get('i') !== undefined && fa.get('i') === fb.get('i');
}

/** journalctl's message when the cursor text cannot be parsed at all. */
export function isBadCursorError(stderr: string): boolean {
  return /Failed to seek to cursor/i.test(stderr);
}

const DEFAULT_JOURNAL_DIRS = ['/var/log/journal', '/run/log/journal'];

/**
 * `enabled: 'auto'` resolves to this: a journal to read and a journalctl to read it with. The
 * journalctl lookup walks PATH once at start-up, without running anything.
 */
export function journalAvailable(config: JournaldConfig, env = process.env): boolean {
  const dirs = config.directory !== undefined ? [config.directory] : DEFAULT_JOURNAL_DIRS;
  if (!dirs.some((dir) => existsSync(dir))) return false;
  if (config.journalctl_path.includes('/')) return existsSync(config.journalctl_path);
  const searchPath = (env.PATH ?? '/usr/bin:/bin').split(path.delimiter).filter(Boolean);
  return searchPath.some((dir) => existsSync(path.join(dir, config.journalctl_path)));
}
