import { BirdseyeError } from '../../core/errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration such as `15m`, `90s`, `1h30m`, `500ms` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/**
 * A point in time as the API accepts it: epoch milliseconds, RFC 3339, `now`, or `now-15m`.
 * `name` is the parameter, so the error tells the user which one is wrong.
 */
export function parseTime(text: string, name: string, now = Date.now()): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const relative = /^now(?:\s*([+-])\s*(.+))?$/.exec(value);
  if (relative) {
    if (!relative[1]) return now;
    const ms = parseDuration(relative[2]!);
    if (ms !== undefined) return relative[1] === '-' ? now - ms : now + ms;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ts = Date.parse(value);
    if (!Number.isNaN(ts)) return ts;
  }
  throw new BirdseyeError(
    'BE_QUERY_INVALID',
    `${name}: "${text}" is not a time; use epoch milliseconds, RFC 3339 (2026-11-25T12:00:00Z) or now-15m`,
  );
}
