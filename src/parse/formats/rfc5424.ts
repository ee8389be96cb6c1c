import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { facilityName } from '../severity.ts';
import { parseIsoTimestamp } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { validTs } from './record.ts';
import { parseStructuredData } from './structured-data.ts';

// PRI, VERSION 1, then five space-separated header fields; each is NILVALUE `-` or non-space text.
const HEADER = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /;

/**
 * RFC 5424 syslog: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD…] MSG`. Structured data is kept
 * under `fields.structured_data` as `{ sd-id: { param: value } }` (a repeated param becomes an
 * array); a UTF-8 BOM that marks the message as Unicode is removed.
 */
export const rfc5424: LineParser = {
  name: 'rfc5424',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    // The NILVALUE structured data leaves nothing after the header but `-`, so accept that too.
    const m = HEADER.exec(line.endsWith(' -') ? `${line} ` : line);
    if (m === null) return undefined;
    const pri = Number(m[1]);
    if (pri > 191) return undefined;

    const sd = parseStructuredData(line, m[0].length);
    if (sd === undefined || (sd.end < line.length && line[sd.end] !== ' ')) return undefined;
    let message = line.slice(sd.end + 1);
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);

    const nil = (value: string | undefined): string | undefined => (value === '-' ? undefined : value);
    const fields: Record<string, unknown> = { facility: facilityName(pri >> 3) };
    const procId = nil(m[5]);
    const msgId = nil(m[6]);
    if (procId !== undefined) fields.pid = procId;
    if (msgId !== undefined) fields.msgid = msgId;
    if (sd.elements !== undefined) fields.structured_data = sd.elements;

    const timestamp = nil(m[2]);
    const record: LogRecord = {
      ts: validTs(timestamp === undefined ? undefined : parseIsoTimestamp(timestamp), ctx),
      received_ts: ctx.received_ts,
      host: nil(m[3]) ?? ctx.host,
      source: ctx.source,
      severity: pri & 7,
      message: stripAnsi(message),
      fields,
      format: 'rfc5424',
    };
    const app = nil(m[4]);
    if (app !== undefined) record.service = app;
    return record;
  },
};
