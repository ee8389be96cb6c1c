/**
 * How Birdseye writes points in time and durations, shared by the API (which rejects what does not
 * parse) and the UI (which resolves the ranges it shows): epoch milliseconds, RFC 3339, `now`,
 * `now-15m`; durations like `90s`, `1h30m`, `500ms`.
 */
export const UNIT_MS: Readonly<Record<string, number>> = {
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

/** A point in time in epoch ms, or undefined when `text` is not one. */
export function parseTimeText(text: string, now: number): number | undefined {
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
  return undefined;
}
