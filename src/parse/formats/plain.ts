import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { severityFromName } from '../severity.ts';
import type { LineParser, ParseContext } from '../types.ts';

/**
 * A level word counts only where loggers put one: an upper-case word (`ERROR`, `WARN`, logrus's
 * `ERRO[0043]`), a bracketed lower-case one (`[error]`, nginx and Apache), `level=error`, or
 * ASP.NET's `fail:` prefix. Lower-case words in prose ("no error found") are content, not levels.
 */
const LEVEL =
  /\b(EMERG|ALERT|CRIT(?:ICAL)?|FATAL?|PANIC?|SEVERE|ERRO|ERR(?:OR)?|WARN(?:ING)?|NOTICE|INFO|DEBUG?|TRACE?)\b|\[(emerg|alert|crit|error|warn|notice|info|debug)\]|\blevel=(\w+)|^(trce|dbug|info|warn|fail|crit):/;

/** Levels sit in a line's prefix; a word deep in a message is usually part of what it says. */
const LEVEL_SCAN_CHARS = 200;

/** Accepts every line: kept as written (colour codes removed), timed at receipt. */
export const plain: LineParser = {
  name: 'plain',
  parse(line: string, ctx: ParseContext): LogRecord {
    const message = stripAnsi(line);
    const record: LogRecord = {
      ts: ctx.received_ts,
      received_ts: ctx.received_ts,
      host: ctx.host,
      source: ctx.source,
      message,
      format: 'plain',
    };
    const severity = guessSeverity(message);
    if (severity !== undefined) record.severity = severity;
    return record;
  },
};

export function guessSeverity(message: string): LogRecord['severity'] {
  const m = LEVEL.exec(message.length > LEVEL_SCAN_CHARS ? message.slice(0, LEVEL_SCAN_CHARS) : message);
  if (m === null) return undefined;
  const word = m[1] ?? m[2] ?? m[3] ?? m[4];
  return word === undefined ? undefined : severityFromName(word);
}
