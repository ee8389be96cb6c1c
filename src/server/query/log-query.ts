import { fieldList, isKnownField, LOG_FIELDS, severityNumber, type FieldSchema } from './log-fields.ts';
import { describeToken, lex, queryError, type LexToken } from './log-lexer.ts';

/**
 * The log query language, the Lucene subset Kibana and Logsene users already type:
 *   timeout  "connection refused"  err*  host:web-1  container.name:"api gateway"
 *   severity:<=3  fields.status:[500 TO 599]  (a OR b) AND NOT c  -debug  service:(api OR web)
 * Terms with no operator between them are ANDed. The AST is what backends compile (SQL) or
 * evaluate (memory backend, live tail); parsing validates field names so backends need not.
 */
export type LogQuery =
  | { readonly type: 'all' }
  | { readonly type: 'and' | 'or'; readonly items: readonly LogQuery[] }
  | { readonly type: 'not'; readonly item: LogQuery }
  /** field null = the default text; `prefix`: the last token is a prefix (`err*`). */
  | { readonly type: 'term'; readonly field: string | null; readonly text: string; readonly prefix: boolean }
  | { readonly type: 'exists'; readonly field: string }
  | { readonly type: 'range'; readonly field: string; readonly lower?: Bound; readonly upper?: Bound };

export interface Bound {
  readonly value: string;
  readonly inclusive: boolean;
}

/** Bounds that keep hostile input from exhausting the stack or the full-text engine. */
export const MAX_QUERY_CHARS = 4096;
export const MAX_DEPTH = 32;
export const MAX_CLAUSES = 64;

export const MATCH_ALL: LogQuery = { type: 'all' };

export function parseLogQuery(input: string, schema: FieldSchema = LOG_FIELDS): LogQuery {
  if (input.length > MAX_QUERY_CHARS) {
    throw queryError(MAX_QUERY_CHARS, `query is longer than ${MAX_QUERY_CHARS} characters`, input);
  }
  const tokens = lex(input);
  let i = 0;
  let clauses = 0;
  const peek = (): LexToken => tokens[i]!;
  const fail = (expected: string, at: LexToken = peek()): never => {
    throw queryError(at.pos, `expected ${expected}, found ${describeToken(at)}`, input);
  };
  const take = (kind: LexToken['kind'], expected: string): LexToken => {
    if (peek().kind !== kind) fail(expected);
    return tokens[i++]!;
  };
  const deeper = (depth: number): number => {
    if (depth >= MAX_DEPTH)
      throw queryError(peek().pos, `query is nested deeper than ${MAX_DEPTH} levels`, input);
    return depth + 1;
  };
  const clause = (at: LexToken): void => {
    if (++clauses > MAX_CLAUSES) throw queryError(at.pos, `query has more than ${MAX_CLAUSES} terms`, input);
  };

  const STARTS = new Set(['word', 'phrase', 'not', 'minus', 'plus', 'lparen']);

  const or = (field: string | null, depth: number): LogQuery => {
    const items = [and(field, depth)];
    while (peek().kind === 'or') {
      i++;
      items.push(and(field, depth));
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  };

  const and = (field: string | null, depth: number): LogQuery => {
    const items = [unary(field, depth)];
    for (;;) {
      if (peek().kind === 'and') i++;
      else if (!STARTS.has(peek().kind)) break;
      items.push(unary(field, depth));
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  };

  const unary = (field: string | null, depth: number): LogQuery => {
    const t = peek();
    if (t.kind === 'not' || t.kind === 'minus') {
      i++;
      return { type: 'not', item: unary(field, deeper(depth)) };
    }
    if (t.kind === 'plus') i++;
    return primary(field, depth);
  };

  const group = (field: string | null, depth: number): LogQuery => {
    take('lparen', "'('");
    const inner = or(field, deeper(depth));
    take('rparen', "')' or an operator (AND, OR, NOT)");
    return inner;
  };

  const primary = (field: string | null, depth: number): LogQuery => {
    const t = peek();
    if (t.kind === 'lparen') return group(field, depth);
    if (t.kind === 'word' && tokens[i + 1]?.kind === 'colon' && field === null) {
      if (!isKnownField(schema, t.text)) {
        throw queryError(t.pos, `unknown field "${t.text}"; fields are ${fieldList(schema)}`, input);
      }
      i += 2;
      return fieldValue(t.text, depth);
    }
    if (t.kind !== 'word' && t.kind !== 'phrase') fail('a term, a "phrase", a field:value or (');
    i++;
    clause(t);
    if (t.kind === 'word' && t.wildcard && t.text === '') return field === null ? MATCH_ALL : exists(field);
    return term(field, t);
  };

  const exists = (field: string): LogQuery => ({ type: 'exists', field });

  const term = (field: string | null, t: LexToken): LogQuery => {
    if (field !== null && schema.numeric.includes(field)) {
      if (t.wildcard) throw queryError(t.pos, `${field} takes a number or a name, not a wildcard`, input);
      return numericEquals(field, t);
    }
    return { type: 'term', field, text: t.text, prefix: t.wildcard === true };
  };

  const numericValue = (field: string, t: LexToken): string => {
    if (t.kind === 'word' && t.wildcard && t.text === '') return '*';
    if (field === 'severity') {
      const n = severityNumber(t.text);
      if (n === undefined)
        fail('a severity (0–7 or emerg, alert, crit, err, warning, notice, info, debug)', t);
      return String(n);
    }
    if (!Number.isFinite(Number(t.text)) || t.text.trim() === '') fail(`a number for ${field}`, t);
    return t.text;
  };

  const numericEquals = (field: string, t: LexToken): LogQuery => {
    const value = numericValue(field, t);
    return { type: 'range', field, lower: { value, inclusive: true }, upper: { value, inclusive: true } };
  };

  const bound = (field: string): string => {
    const t = peek();
    if (t.kind !== 'word' && t.kind !== 'phrase') fail('a range bound');
    i++;
    if (t.kind === 'word' && t.wildcard && t.text === '') return '*';
    if (t.kind === 'word' && t.wildcard) fail('a range bound without a wildcard', t);
    return schema.numeric.includes(field) ? numericValue(field, t) : t.text;
  };

  const fieldValue = (field: string, depth: number): LogQuery => {
    const t = peek();
    if (t.kind === 'lparen') return group(field, depth);
    if (schema.text.includes(field) && ['cmp', 'lbracket', 'lbrace'].includes(t.kind)) {
      fail(`a term or "phrase" (${field} is full text and has no ranges)`);
    }
    if (t.kind === 'cmp') {
      i++;
      clause(t);
      const value = bound(field);
      if (value === '*') return exists(field);
      const inclusive = t.text.endsWith('=');
      return t.text.startsWith('<')
        ? { type: 'range', field, upper: { value, inclusive } }
        : { type: 'range', field, lower: { value, inclusive } };
    }
    if (t.kind === 'lbracket' || t.kind === 'lbrace') {
      i++;
      clause(t);
      const low = bound(field);
      const to = peek();
      if (to.kind !== 'word' || to.text !== 'TO' || to.wildcard) fail("'TO'");
      i++;
      const high = bound(field);
      const close = peek();
      if (close.kind !== 'rbracket' && close.kind !== 'rbrace') fail("']' or '}'");
      i++;
      return {
        type: 'range',
        field,
        ...(low === '*' ? {} : { lower: { value: low, inclusive: t.kind === 'lbracket' } }),
        ...(high === '*' ? {} : { upper: { value: high, inclusive: close.kind === 'rbracket' } }),
      };
    }
    return primary(field, depth);
  };

  if (peek().kind === 'end') return MATCH_ALL;
  const result = or(null, 0);
  if (peek().kind !== 'end') fail('an operator (AND, OR, NOT), a term or end of query');
  return result;
}
