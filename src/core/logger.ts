import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };
export type LogFormat = 'auto' | 'text' | 'json';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One-line human text for a terminal; JSON (pino's own) for journald, files and log shippers. */
function textLine(json: string): string {
  const entry = JSON.parse(json) as Record<string, unknown>;
  const level = LEVEL_NAMES[Number(entry.level)] ?? String(entry.level);
  const time = new Date(Number(entry.time)).toISOString();
  const extra = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level.padEnd(5)} ${typeof entry.msg === 'string' ? entry.msg : ''}${extra ? ` ${extra}` : ''}\n`;
}

export function createLogger(
  level: LevelWithSilent,
  format: LogFormat,
  out: NodeJS.WritableStream = process.stderr,
): Logger {
  const text = format === 'text' || (format === 'auto' && (out as { isTTY?: boolean }).isTTY === true);
  const stream = text ? { write: (json: string) => out.write(textLine(json)) } : out;
  return pino(
    {
      level,
      base: undefined,
      // Tokens and passwords must never reach a log line, whatever object is logged.
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    stream as pino.DestinationStream,
  );
}
