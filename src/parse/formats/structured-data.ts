export type StructuredData = Record<string, Record<string, string | string[]>>;

/**
 * Parses RFC 5424 STRUCTURED-DATA starting at `start`: either `-` or one or more
 * `[id name="value" …]` elements, where values escape `"`, `\` and `]` with a backslash.
 * Returns the index just past the structured data, or undefined when it is malformed.
 * A single forward scan: no regex, no backtracking, whatever the input.
 */
export function parseStructuredData(
  line: string,
  start: number,
): { elements: StructuredData | undefined; end: number } | undefined {
  if (line[start] === '-') return { elements: undefined, end: start + 1 };
  const elements: StructuredData = {};
  let i = start;
  while (line[i] === '[') {
    i++;
    const idEnd = scanName(line, i);
    if (idEnd === i) return undefined;
    const params: Record<string, string | string[]> = {};
    elements[line.slice(i, idEnd)] = params;
    i = idEnd;
    while (line[i] === ' ') {
      const nameEnd = scanName(line, i + 1);
      if (nameEnd === i + 1 || line[nameEnd] !== '=' || line[nameEnd + 1] !== '"') return undefined;
      const name = line.slice(i + 1, nameEnd);
      const value = readQuoted(line, nameEnd + 2);
      if (value === undefined) return undefined;
      const existing = params[name];
      if (existing === undefined) params[name] = value.text;
      else params[name] = Array.isArray(existing) ? [...existing, value.text] : [existing, value.text];
      i = value.end;
    }
    if (line[i] !== ']') return undefined;
    i++;
  }
  return i === start ? undefined : { elements, end: i };
}

/** SD-NAME: printable ASCII except `=`, space, `]` and `"`. */
function scanName(line: string, i: number): number {
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x3d || c === 0x5d || c === 0x22) break;
    i++;
  }
  return i;
}

function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let from = start;
  for (let i = start; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22) return { text: text + line.slice(from, i), end: i + 1 };
    if (c === 0x5c) {
      const next = line[i + 1];
      // Only these three are escapes; any other backslash is kept as written (RFC 5424 §6.3.3).
      if (next === '"' || next === '\\' || next === ']') {
        text += line.slice(from, i);
        from = i + 1;
        i++;
      }
    }
  }
  return undefined;
}
