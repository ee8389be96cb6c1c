/**
 * Splits a logfmt line (`key=value key2="quoted \"value\""`) into pairs. Returns undefined when
 * any token is not a pair, which is what keeps ordinary prose out of this format.
 *
 * Quoted values use Go's escapes (logrus quotes with strconv.Quote). Some senders write inner
 * quotes unescaped (`msg="loading plugin "x"..."`); a quote not followed by a space or the end of
 * the line is therefore taken as part of the value, which recovers such lines intact.
 */
export function tokenizeLogfmt(line: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 0x20) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    if (i === keyStart || line.charCodeAt(i) !== 0x3d) return undefined;
    const key = line.slice(keyStart, i);
    i++;
    if (line.charCodeAt(i) === 0x22) {
      const quoted = readQuoted(line, i + 1);
      if (quoted === undefined) return undefined;
      pairs.push([key, quoted.value]);
      i = quoted.end;
    } else {
      const valueStart = i;
      while (i < n && line.charCodeAt(i) !== 0x20) i++;
      pairs.push([key, line.slice(valueStart, i)]);
    }
  }
  return pairs;
}

/** Keys are non-empty runs without space, `=` or `"` (logrus keys may hold `.`, `-` and `/`). */
function isKeyChar(c: number): boolean {
  return c > 0x20 && c !== 0x3d && c !== 0x22 && c !== 0x7f;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

function readQuoted(line: string, start: number): { value: string; end: number } | undefined {
  const n = line.length;
  // Most values have no escape: they are one slice of the line.
  let value = '';
  let from = start;
  for (let i = start; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c && i + 1 < n) {
      const escape = decodeEscape(line, i + 1);
      value += line.slice(from, i) + escape.text;
      i = escape.end - 1;
      from = escape.end;
    } else if (c === 0x22 && (i + 1 === n || line.charCodeAt(i + 1) === 0x20)) {
      const last = line.slice(from, i);
      return { value: value === '' ? last : value + last, end: i + 1 };
    }
  }
  return undefined;
}

/** One escape after a backslash; an unknown escape is kept as written rather than rejected. */
function decodeEscape(line: string, i: number): { text: string; end: number } {
  const c = line[i]!;
  const simple = ESCAPES[c];
  if (simple !== undefined) return { text: simple, end: i + 1 };
  const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  const hex = line.slice(i + 1, i + 1 + width);
  if (width > 0 && hex.length === width && /^[0-9a-fA-F]+$/.test(hex)) {
    const code = parseInt(hex, 16);
    if (code <= 0x10ffff) return { text: String.fromCodePoint(code), end: i + 1 + width };
  }
  return { text: `\\${c}`, end: i + 1 };
}
