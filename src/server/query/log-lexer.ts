import { BirdseyeError } from '../../core/errors.ts';

/**
 * Tokens of the log query language. Words run until whitespace or one of `():"[]{}`; a backslash
 * escapes any character, so `path:C\:\\temp` and `url:http\://x` stay one word. Comparison
 * operators are tokens only right after a `:`, so `a<b` as a bare word is still a word.
 */
export type LexKind =
  | 'word'
  | 'phrase'
  | 'and'
  | 'or'
  | 'not'
  | 'minus'
  | 'plus'
  | 'colon'
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'lbrace'
  | 'rbrace'
  | 'cmp'
  | 'end';

export interface LexToken {
  readonly kind: LexKind;
  /** The text after unescaping (words, phrases) or the operator itself. */
  readonly text: string;
  /** 0-based offset into the query. */
  readonly pos: number;
  /** A word that ended in an unescaped `*`, which is stripped from `text`. */
  readonly wildcard?: boolean;
}

const PUNCT: Record<string, LexKind> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
  '{': 'lbrace',
  '}': 'rbrace',
  ':': 'colon',
};
const OPERATORS: Record<string, LexKind> = { AND: 'and', OR: 'or', NOT: 'not', '&&': 'and', '||': 'or' };
const WORD_END = /[\s():"[\]{}]/;

export function queryError(pos: number, message: string, query: string): BirdseyeError {
  return new BirdseyeError('BE_QUERY_INVALID', `query position ${pos + 1}: ${message}`, {
    context: { query, position: pos + 1 },
  });
}

export function describeToken(t: LexToken): string {
  if (t.kind === 'end') return 'end of query';
  if (t.kind === 'phrase') return `"${t.text}"`;
  return JSON.stringify(t.text + (t.wildcard ? '*' : ''));
}

export function lex(input: string): LexToken[] {
  const tokens: LexToken[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const afterColon = tokens.at(-1)?.kind === 'colon' && tokens.at(-1)!.pos === i - 1;
    if (afterColon && (c === '<' || c === '>')) {
      const op = input[i + 1] === '=' ? `${c}=` : c;
      tokens.push({ kind: 'cmp', text: op, pos: start });
      i += op.length;
      continue;
    }
    const punct = PUNCT[c];
    if (punct) {
      tokens.push({ kind: punct, text: c, pos: start });
      i++;
      continue;
    }
    if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw queryError(start, "expected a closing '\"' for this phrase", input);
      i++;
      tokens.push({ kind: 'phrase', text, pos: start });
      continue;
    }
    // A leading - or + negates or requires what follows, as in Lucene, unless it stands alone.
    if ((c === '-' || c === '+' || c === '!') && i + 1 < input.length && !/\s/.test(input[i + 1]!)) {
      tokens.push({ kind: c === '-' ? 'minus' : c === '+' ? 'plus' : 'not', text: c, pos: start });
      i++;
      continue;
    }
    let text = '';
    let wildcard = false;
    while (i < input.length && !WORD_END.test(input[i]!)) {
      const ch = input[i]!;
      if (ch === '\\' && i + 1 < input.length) {
        text += input[i + 1];
        i += 2;
        continue;
      }
      if (ch === '*' || ch === '?') {
        const last = i + 1 >= input.length || WORD_END.test(input[i + 1]!);
        if (ch === '?' || !last) {
          throw queryError(
            i,
            `wildcards are supported only at the end of a term (err*); escape it as \\${ch}`,
            input,
          );
        }
        wildcard = true;
        i++;
        break;
      }
      text += ch;
      i++;
    }
    const op = wildcard ? undefined : OPERATORS[text];
    tokens.push(op ? { kind: op, text, pos: start } : { kind: 'word', text, pos: start, wildcard });
  }
  tokens.push({ kind: 'end', text: '', pos: input.length });
  return tokens;
}
