import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { parseIsoTimestamp } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { validTs } from './record.ts';
import { facilityName } from '../severity.ts';
import { parseBsdTimestamp, parseSyslogTail, type SyslogTail } from './syslog-header.ts';

/**
 * BSD syslog (RFC 3164): `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`. The RFC describes practice
 * rather than prescribing it, so this accepts what senders do: an RFC 3339 timestamp in place of
 * the BSD one (rsyslog's high-precision template), a missing tag, or no timestamp and host at all
 * (then the receive time and the peer stand in, as a relay would). Local time without a year is
 * read at `ctx.utc_offset_minutes` with the year inferred from the receive time.
 */
export const rfc3164: LineParser = {
  name: 'rfc3164',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    const pri = /^<(\d{1,3})>/.exec(line);
    if (pri === null) return undefined;
    const value = Number(pri[1]);
    if (value > 191) return undefined;
    const rest = line.slice(pri[0].length);

    let ts: number | undefined;
    let tail: SyslogTail | undefined;
    const bsd = parseBsdTimestamp(rest, ctx.utc_offset_minutes ?? 0, ctx.received_ts);
    if (bsd !== undefined) {
      ts = bsd.ts;
      tail = parseSyslogTail(rest.slice(bsd.length), false);
    } else {
      const space = rest.indexOf(' ');
      const iso =
        space > 0 ? parseIsoTimestamp(rest.slice(0, space), ctx.utc_offset_minutes ?? 0) : undefined;
      if (iso !== undefined) {
        ts = iso;
        tail = parseSyslogTail(rest.slice(space + 1), false);
      }
    }

    const fields: Record<string, unknown> = { facility: facilityName(value >> 3) };
    const record: LogRecord = {
      ts: validTs(ts, ctx),
      received_ts: ctx.received_ts,
      host: tail?.host ?? ctx.host,
      source: ctx.source,
      severity: value & 7,
      message: stripAnsi(tail?.message ?? rest),
      fields,
      format: 'rfc3164',
    };
    if (tail?.tag !== undefined) record.service = tail.tag;
    if (tail?.pid !== undefined) fields.pid = tail.pid;
    return record;
  },
};
