import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { parseOffset, utcFromParts, withFraction } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { validTs } from './record.ts';
import { parseBsdTimestamp, parseSyslogTail } from './syslog-header.ts';

/**
 * journalctl's text outputs, which differ only in the timestamp before `host ident[pid]: msg`:
 *   short          Nov 25 07:25:14            local time, no year, no zone
 *   short-precise  Nov 25 07:25:14.493336     same, with microseconds
 *   short-iso      2026-11-25T12:55:14+0530   (newer systemd: +05:30, optional .µs)
 *   short-full     Wed 2026-11-25 02:25:14 EST  zone as an abbreviation
 * Zone-less times use `ctx.utc_offset_minutes`; the year comes from the receive time.
 */
export const journalShort: LineParser = {
  name: 'journal-short',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    const stamp = parseStamp(line, ctx);
    if (stamp === undefined) return undefined;
    const tail = parseSyslogTail(line.slice(stamp.length), true);
    if (tail === undefined) return undefined;

    const fields: Record<string, unknown> = {};
    if (tail.pid !== undefined) fields.pid = tail.pid;
    if (stamp.zone !== undefined) fields.tz = stamp.zone;
    const record: LogRecord = {
      ts: validTs(stamp.ts, ctx),
      received_ts: ctx.received_ts,
      host: tail.host,
      source: ctx.source,
      message: stripAnsi(tail.message),
      format: 'journal-short',
    };
    if (tail.tag !== undefined) record.service = tail.tag;
    if (Object.keys(fields).length > 0) record.fields = fields;
    return record;
  },
};

interface Stamp {
  ts: number | undefined;
  length: number;
  /** A zone abbreviation this parser could not resolve; kept so the time can be corrected later. */
  zone?: string;
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:?\d\d) /;
const FULL =
  /^[A-Z][a-z]{2} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ([A-Z]{1,5}|[+-]\d\d(?:\d\d)?) /;

/**
 * Abbreviations journalctl prints in short-full for common zones. Abbreviations are ambiguous
 * (IST is India, Israel and Ireland); this table picks the most common reading of each.
 */
const ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  SGT: 480,
  HKT: 480,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
};

function parseStamp(line: string, ctx: ParseContext): Stamp | undefined {
  const first = line.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    const m = ISO.exec(line);
    return m === null ? undefined : { ts: fromParts(m, parseOffset(m[8]!)), length: m[0].length };
  }
  // short-full: `Wed 2026-…`, a date dash where short has the hour.
  if (line.charCodeAt(8) === 0x2d) {
    const m = FULL.exec(line);
    if (m === null) return undefined;
    const abbreviation = m[8]!;
    const offset = ZONES[abbreviation] ?? parseOffset(abbreviation);
    const stamp: Stamp = { ts: fromParts(m, offset ?? ctx.utc_offset_minutes ?? 0), length: m[0].length };
    if (offset === undefined) stamp.zone = abbreviation;
    return stamp;
  }
  const bsd = parseBsdTimestamp(line, ctx.utc_offset_minutes ?? 0, ctx.received_ts);
  return bsd === undefined ? undefined : { ts: bsd.ts, length: bsd.length };
}

function fromParts(m: RegExpExecArray, offset: number | undefined): number | undefined {
  if (offset === undefined) return undefined;
  const whole = utcFromParts(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    offset,
  );
  return whole === undefined ? undefined : withFraction(whole, m[7]);
}
