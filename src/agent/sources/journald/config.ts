import { z } from 'zod';
import { SEVERITIES } from '../../../model/log-record.ts';

/**
 * journald source config: the schema is the definition, defaults inside.
 *
 * `enabled` defaults to `'auto'`: the source runs when a journal is there to read — `directory`
 * when set, else /var/log/journal or /run/log/journal — and journalctl is installed; otherwise it
 * stays off without complaint, so the same config serves nodes with and without systemd. `true`
 * runs it regardless (a missing journal then shows as counted journalctl restarts and warnings);
 * `false` turns it off.
 */
export const journaldSchema = z
  .object({
    enabled: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /**
     * Read journal files from this directory (`journalctl --directory`) instead of the node's
     * default journal: `/var/log/journal` mounted into the agent's container. Unset: the local
     * journal (/var/log/journal, or /run/log/journal when it is volatile).
     */
    directory: z.string().min(1).optional(),
    /** Only these systemd units (`journalctl --unit`, repeated); empty forwards every unit. */
    units: z.array(z.string().min(1)).default([]),
    /**
     * Forward entries of this severity and more severe (`journalctl --priority`): a syslog name
     * (emerg … debug) or 0–7. `debug`, the default, forwards everything, entries without PRIORITY too.
     */
    priority: z.union([z.enum(SEVERITIES), z.number().int().min(0).max(7)]).default('debug'),
    /**
     * Where the first start (no saved cursor yet) begins: `boot` at the first entry of the current
     * boot, `now` at the next new entry. Later starts always resume after the saved cursor.
     */
    start_at: z.enum(['now', 'boot']).default('boot'),
    /** The journalctl binary; a path, or a name looked up in PATH. */
    journalctl_path: z.string().min(1).default('journalctl'),
    /** journalctl is restarted when it exits: after this delay, doubling up to the maximum. */
    restart_initial_backoff_ms: z.number().int().min(10).default(500),
    restart_max_backoff_ms: z.number().int().min(10).default(30_000),
    /**
     * Most bytes of field values kept of one journal entry; a value past that is cut and the entry
     * flagged `truncated` (journald itself caps most fields well below this).
     */
    max_line_bytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
  })
  .strict();

export type JournaldConfig = z.infer<typeof journaldSchema>;
