import { inferYear, monthIndex, withFraction } from '../time.ts';

/**
 * The `HOSTNAME TAG[PID]: MESSAGE` tail shared by RFC 3164 and journalctl's short formats, and
 * the BSD `Mmm dd hh:mm:ss` timestamp they both start with.
 */
export interface SyslogTail {
  host: string;
  /** Identifier (program name), when the line has one. */
  tag?: string;
  pid?: string;
  message: string;
}

// Tag: printable characters up to `[`, `:` or a space; journald allows `/` and `.` (postfix/smtpd).
const TAG = /^([^\s[:]{1,128})(?:\[([^\]\s]{1,32})\])?: ?/;

/** Splits `host tag[pid]: message`. Without a recognisable tag the whole rest is the message. */
export function parseSyslogTail(rest: string, requireTag: boolean): SyslogTail | undefined {
  const space = rest.indexOf(' ');
  if (space <= 0) return undefined;
  const host = rest.slice(0, space);
  const after = rest.slice(space + 1);
  const tag = TAG.exec(after);
  if (tag === null) {
    return requireTag ? undefined : { host, message: after };
  }
  const tail: SyslogTail = { host, tag: tag[1]!, message: after.slice(tag[0].length) };
  if (tag[2] !== undefined) tail.pid = tag[2];
  return tail;
}

// `Nov 25 07:25:14` or, from short-precise, `Nov 25 07:25:14.493336`. Day may be space-padded.
const BSD = /^([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? /;

/** A BSD timestamp at the start of `text`: its UTC ms (year inferred) and its length. */
export function parseBsdTimestamp(
  text: string,
  offsetMinutes: number,
  receivedTs: number,
): { ts: number; length: number } | undefined {
  const m = BSD.exec(text);
  if (m === null) return undefined;
  const month = monthIndex(m[1]!);
  if (month === undefined) return undefined;
  const whole = inferYear(
    month,
    Number(m[2]!.trim()),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    offsetMinutes,
    receivedTs,
  );
  return whole === undefined ? undefined : { ts: withFraction(whole, m[6]), length: m[0].length };
}
