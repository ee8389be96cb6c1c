import type { LogRecord } from '../model/log-record.ts';
import type { Frame } from './framing/types.ts';
import { PARSERS } from './registry.ts';
import type { FormatName, LineParser, ParseContext } from './types.ts';

/** `auto` detects the format of every line; a format name pins it (per listener). */
export type FormatChoice = FormatName | 'auto';

const {
  'journal-json': journalJson,
  json,
  rfc5424,
  rfc3164,
  'journal-short': journalShort,
  logfmt,
  plain,
} = PARSERS;

// Candidate lists by the line's first character, most specific parser first. journal-json
// before json because a journal entry is also valid JSON; RFC 5424 before 3164 because its
// `<PRI>1 ` prefix is the stricter one.
const BRACE = [journalJson, json];
const ANGLE = [rfc5424, rfc3164];
const DIGIT = [journalShort, logfmt];
const UPPER = [journalShort, logfmt];
const LOWER = [logfmt];
const NONE: LineParser[] = [];

/**
 * Parsers worth trying for a line, chosen by its first character alone. This is the cheap
 * pre-check that keeps auto-detection to one or two parse attempts per line.
 */
export function candidates(line: string): LineParser[] {
  const c = line.charCodeAt(0);
  if (c === 0x7b || c === 0x20) return line.trimStart().startsWith('{') ? BRACE : NONE;
  if (c === 0x3c) return isDigit(line.charCodeAt(1)) ? ANGLE : NONE;
  if (isDigit(c)) return DIGIT;
  if (c >= 0x41 && c <= 0x5a) return UPPER;
  if (c >= 0x61 && c <= 0x7a) return LOWER;
  return NONE;
}

/**
 * One line in, exactly one record out; no line is ever dropped.
 *
 * `auto` tries the candidates and falls back to plain. A line that looked structured (`{"…`, `<13>…`)
 * but that no parser accepted is kept as plain with `parse_error: true`, so a broken JSON or
 * syslog sender shows up in the error counters instead of passing silently as text.
 * A pinned format either parses the line or yields the line exactly as received, flagged
 * `parse_error` and tagged with the format that was expected.
 */
export function parseLine(line: string, ctx: ParseContext, format: FormatChoice = 'auto'): LogRecord {
  if (format !== 'auto') {
    return PARSERS[format].parse(line, ctx) ?? unparsed(line, ctx, format);
  }
  const tried = candidates(line);
  for (const parser of tried) {
    const record = parser.parse(line, ctx);
    if (record !== undefined) return record;
  }
  // `{"` or `<PRI>` promise a structured line; reporting the failure beats passing it as text.
  // The expected format is the most lenient of the family (json, rfc3164).
  const looked = tried === ANGLE || (tried === BRACE && line.trimStart().startsWith('{"'));
  return looked ? unparsed(line, ctx, tried[tried.length - 1]!.name) : plain.parse(line, ctx)!;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** parseLine for a frame, carrying the framer's truncation flag onto the record. */
export function parseFrame(frame: Frame, ctx: ParseContext, format: FormatChoice = 'auto'): LogRecord {
  const record = parseLine(frame.text, ctx, format);
  if (frame.truncated) record.truncated = true;
  return record;
}

function unparsed(line: string, ctx: ParseContext, expected: FormatName): LogRecord {
  return {
    ts: ctx.received_ts,
    received_ts: ctx.received_ts,
    host: ctx.host,
    source: ctx.source,
    message: line,
    fields: { expected_format: expected },
    parse_error: true,
  };
}
