import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { severityFromName } from '../severity.ts';
import { parseTimeValue } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { tokenizeLogfmt } from './logfmt-tokens.ts';
import { validTs } from './record.ts';

const TIME_KEYS = ['time', 'ts', 't'];
const LEVEL_KEYS = ['level', 'lvl'];
const MESSAGE_KEYS = ['msg', 'message'];
const isKnownKey = (key: string): boolean =>
  TIME_KEYS.includes(key) || LEVEL_KEYS.includes(key) || MESSAGE_KEYS.includes(key);

/**
 * logfmt as dockerd, containerd and other logrus/slog programs write it:
 * `time="2019-10-11T07:40:42.275616307Z" level=warning msg="…" key=value …`.
 * A line qualifies when every token is a pair and it has a time, level or message key, or at
 * least two pairs. Values stay strings: logfmt has no types, and `id=007` must stay `007`.
 */
export const logfmt: LineParser = {
  name: 'logfmt',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    const pairs = tokenizeLogfmt(line);
    if (pairs === undefined || pairs.length === 0) return undefined;
    if (pairs.length < 2 && !pairs.some(([key]) => isKnownKey(key))) return undefined;

    let ts: number | undefined;
    let severity: LogRecord['severity'];
    let message: string | undefined;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of pairs) {
      if (ts === undefined && TIME_KEYS.includes(key)) {
        ts = parseTimeValue(value, ctx.utc_offset_minutes ?? 0);
        // A time we cannot read (logrus's `Oct 27 00:44:26`) is kept rather than lost.
        if (ts === undefined) fields[key] = value;
      } else if (
        severity === undefined &&
        LEVEL_KEYS.includes(key) &&
        severityFromName(value) !== undefined
      ) {
        severity = severityFromName(value);
      } else if (message === undefined && MESSAGE_KEYS.includes(key)) {
        message = value;
      } else {
        fields[key] = value;
      }
    }

    const record: LogRecord = {
      ts: validTs(ts, ctx),
      received_ts: ctx.received_ts,
      host: ctx.host,
      source: ctx.source,
      // Without a message key the line itself is the message, so nothing becomes invisible.
      message: stripAnsi(message ?? line),
      format: 'logfmt',
    };
    if (severity !== undefined) record.severity = severity;
    if (Object.keys(fields).length > 0) record.fields = fields;
    return record;
  },
};
