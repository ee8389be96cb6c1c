/**
 * Which words of a message the query matched, for highlighting. The server matches words of
 * letters and digits, ignoring case and accents; this mirrors that for the message terms of the
 * query (bare terms, phrases and `message:`), and ignores negated terms and other fields.
 * An approximation for display only: it never decides what is found. Pure, so tested in Node.
 */

export interface Terms {
  words: Set<string>;
  prefixes: string[];
}

export interface Piece {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const WORD_END = /[\s():"[\]{}]/;
const OPERATORS = new Set(['AND', 'OR', 'NOT', '&&', '||']);

export function normalize(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The message terms of a query: whole words, and prefixes from `err*`. */
export function queryTerms(query: string): Terms {
  const terms: Terms = { words: new Set(), prefixes: [] };
  let i = 0;
  let negated = false;

  const add = (text: string, prefix: boolean): void => {
    if (!negated) {
      const words = text.match(WORD) ?? [];
      words.forEach((w, n) => {
        if (prefix && n === words.length - 1) terms.prefixes.push(normalize(w));
        else terms.words.add(normalize(w));
      });
    }
    negated = false;
  };
  const readPhrase = (): string => {
    let text = '';
    for (i++; i < query.length && query[i] !== '"'; i++)
      text += query[i] === '\\' ? (query[++i] ?? '') : query[i];
    i++;
    return text;
  };
  const readWord = (): string => {
    let text = '';
    for (; i < query.length && !WORD_END.test(query[i]!); i++)
      text += query[i] === '\\' ? (query[++i] ?? '') : query[i];
    return text;
  };
  /** Skips the value of a field other than message: a word, phrase, range or group. */
  const skipValue = (): void => {
    const open = query[i];
    const close = open === '(' ? ')' : open === '[' || open === '{' ? /[\]}]/ : undefined;
    if (open === '"') readPhrase();
    else if (close === undefined) readWord();
    else {
      let depth = 0;
      for (; i < query.length; i++) {
        const c = query[i]!;
        if (c === '"') readPhrase();
        if (c === open) depth++;
        else if (typeof close === 'string' ? c === close : close.test(c)) depth--;
        if (depth === 0) break;
      }
      i++;
    }
    negated = false;
  };

  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c) || c === '(' || c === ')' || c === '+') i++;
    else if (c === '-' || c === '!') {
      negated = true;
      i++;
    } else if (c === '"') add(readPhrase(), false);
    else {
      const word = readWord();
      if (query[i] === ':') {
        i++;
        if (word !== 'message') skipValue();
      } else if (OPERATORS.has(word)) negated = word === 'NOT';
      else if (word === '') i++;
      else add(word.replace(/\*$/, ''), word.endsWith('*'));
    }
  }
  return terms;
}

/** The message cut into pieces, those that match a term marked. */
export function highlightPieces(message: string, terms: Terms): Piece[] {
  if (terms.words.size === 0 && terms.prefixes.length === 0) return [{ text: message, match: false }];
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of message.matchAll(WORD)) {
    const word = normalize(m[0]);
    if (!terms.words.has(word) && !terms.prefixes.some((p) => word.startsWith(p))) continue;
    if (m.index > last) pieces.push({ text: message.slice(last, m.index), match: false });
    pieces.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < message.length) pieces.push({ text: message.slice(last), match: false });
  return pieces;
}
