import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { severityFromValue } from '../severity.ts';
import { parseTimeValue } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { nonEmpty, parseJsonObject, validTs } from './record.ts';

// Checked in this order; the first key present wins and is removed from `fields`.
const TIME_KEYS = ['time', 'ts', '@timestamp', 'timestamp'];
const LEVEL_KEYS = ['level', 'lvl', 'severity'];
const MESSAGE_KEYS = ['msg', 'message', 'log'];
const HOST_KEYS = ['hostname', 'host'];

/**
 * Line-delimited JSON from applications (pino, zap, bunyan, logstash encoders, docker's
 * json-file `{"log": …}`). Times may be ISO strings or epoch seconds/ms numbers; levels names or
 * numbers (syslog 0–7, pino 10–60). Everything not consumed stays in `fields` with its JSON type.
 * An object without a message key keeps the whole line as its message.
 */
export const json: LineParser = {
  name: 'json',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    const object = parseJsonObject(line);
    if (object === undefined) return undefined;
    const fields: Record<string, unknown> = { ...object };

    const take = <T>(keys: string[], read: (value: unknown) => T | undefined): T | undefined => {
      for (const key of keys) {
        if (!(key in fields)) continue;
        const value = read(fields[key]);
        if (value === undefined) continue;
        delete fields[key];
        return value;
      }
      return undefined;
    };

    const ts = take(TIME_KEYS, (value) => parseTimeValue(value, ctx.utc_offset_minutes ?? 0));
    const severity = take(LEVEL_KEYS, severityFromValue);
    const message = take(MESSAGE_KEYS, (value) => (typeof value === 'string' ? value : undefined));
    const host = take(HOST_KEYS, nonEmpty);

    const record: LogRecord = {
      ts: validTs(ts, ctx),
      received_ts: ctx.received_ts,
      host: host ?? ctx.host,
      source: ctx.source,
      // docker's json-file driver keeps the line's newline inside "log".
      message: stripAnsi(message === undefined ? line : message.replace(/\r?\n$/, '')),
      format: 'json',
    };
    if (severity !== undefined) record.severity = severity;
    if (Object.keys(fields).length > 0) record.fields = fields;
    return record;
  },
};
