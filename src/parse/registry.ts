import { journalJson } from './formats/journal-json.ts';
import { journalShort } from './formats/journal-short.ts';
import { json } from './formats/json.ts';
import { logfmt } from './formats/logfmt.ts';
import { plain } from './formats/plain.ts';
import { rfc3164 } from './formats/rfc3164.ts';
import { rfc5424 } from './formats/rfc5424.ts';
import type { FormatName, LineParser } from './types.ts';

/** Every line format Birdseye understands, listed by hand. Add a parser here and in detect.ts. */
export const PARSERS: Readonly<Record<FormatName, LineParser>> = Object.freeze({
  'journal-json': journalJson,
  'journal-short': journalShort,
  logfmt,
  json,
  rfc5424,
  rfc3164,
  plain,
});

export const FORMAT_NAMES = Object.keys(PARSERS) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(PARSERS, name);
}
