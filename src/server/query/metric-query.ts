import { BirdseyeError } from '../../core/errors.ts';
import { LABEL_NAME, METRIC_NAME } from '../../model/index.ts';
import type { LabelMatcher } from '../storage/backend.ts';

/**
 * The metric query language, a small subset of PromQL that covers what the UI and alert rules ask:
 *   node_memory_MemAvailable_bytes{host="a"}
 *   rate(node_cpu_seconds_total{mode!="idle"})
 *   sum by (host) (rate(node_cpu_seconds_total{mode!~"idle|iowait"}))
 * There are no range vectors: `rate` is taken over each step of the query.
 */
export const AGGREGATIONS = ['avg', 'min', 'max', 'sum', 'count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export type MetricExpr =
  | { type: 'selector'; name: string; matchers: LabelMatcher[] }
  | { type: 'rate'; arg: MetricExpr & { type: 'selector' } }
  | { type: 'aggregate'; op: Aggregation; by: string[]; arg: MetricExpr };

const TOKEN = /\s*(?:([a-zA-Z_:][a-zA-Z0-9_:]*)|("(?:[^"\\]|\\.)*")|(=~|!~|!=|=|[{}(),]))/y;

interface Token {
  kind: 'ident' | 'string' | 'punct' | 'end';
  text: string;
  pos: number;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < input.length) {
    if (/^\s*$/.test(input.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(input);
    if (!m) {
      const at = pos + (input.slice(pos).length - input.slice(pos).trimStart().length);
      throw queryError(input, at, `unexpected character ${JSON.stringify(input[at])}`);
    }
    const start = TOKEN.lastIndex - m[0].trimStart().length;
    if (m[1] !== undefined) tokens.push({ kind: 'ident', text: m[1], pos: start });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: m[2], pos: start });
    else tokens.push({ kind: 'punct', text: m[3]!, pos: start });
    pos = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', text: 'end of query', pos: input.length });
  return tokens;
}

function queryError(input: string, pos: number, message: string): BirdseyeError {
  return new BirdseyeError('BE_QUERY_INVALID', `query position ${pos + 1}: ${message}`, {
    context: { query: input, position: pos },
  });
}

export function parseMetricQuery(input: string): MetricExpr {
  const tokens = tokenize(input);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const fail = (expected: string): never => {
    const t = peek();
    throw queryError(
      input,
      t.pos,
      `expected ${expected}, found ${t.kind === 'end' ? 'end of query' : t.text}`,
    );
  };
  const expect = (text: string): void => {
    if (peek().text !== text || peek().kind === 'string') fail(`'${text}'`);
    i++;
  };

  const labelList = (): string[] => {
    expect('(');
    const labels: string[] = [];
    while (peek().text !== ')') {
      const t = next();
      if (t.kind !== 'ident' || !LABEL_NAME.test(t.text)) {
        i--;
        fail('a label name');
      }
      labels.push(t.text);
      if (peek().text === ',') i++;
      else if (peek().text !== ')') fail("',' or ')'");
    }
    i++;
    return labels;
  };

  const selector = (): MetricExpr & { type: 'selector' } => {
    const t = next();
    if (t.kind !== 'ident' || !METRIC_NAME.test(t.text)) {
      i--;
      fail('a metric name');
    }
    const matchers: LabelMatcher[] = [];
    if (peek().text === '{') {
      i++;
      while (peek().text !== '}') {
        const label = next();
        if (label.kind !== 'ident' || !LABEL_NAME.test(label.text)) {
          i--;
          fail('a label name');
        }
        const op = next();
        if (op.kind !== 'punct' || !['=', '!=', '=~', '!~'].includes(op.text)) {
          i--;
          fail("a matcher ('=', '!=', '=~' or '!~')");
        }
        const value = next();
        if (value.kind !== 'string') {
          i--;
          fail('a quoted value');
        }
        const text = JSON.parse(value.text) as string;
        if (op.text === '=~' || op.text === '!~') {
          try {
            new RegExp(text);
          } catch (cause) {
            throw queryError(input, value.pos, `invalid regular expression: ${(cause as Error).message}`);
          }
        }
        matchers.push({ label: label.text, op: op.text as LabelMatcher['op'], value: text });
        if (peek().text === ',') i++;
        else if (peek().text !== '}') fail("',' or '}'");
      }
      i++;
    }
    return { type: 'selector', name: t.text, matchers };
  };

  const expr = (): MetricExpr => {
    const t = peek();
    if (
      t.kind === 'ident' &&
      (AGGREGATIONS as readonly string[]).includes(t.text) &&
      tokens[i + 1]?.kind !== 'end'
    ) {
      const after = tokens[i + 1]!;
      if (after.text === '(' || after.text === 'by') {
        i++;
        let by: string[] = [];
        if (peek().text === 'by') {
          i++;
          by = labelList();
        }
        expect('(');
        const arg = expr();
        expect(')');
        if (peek().text === 'by' && by.length === 0) {
          i++;
          by = labelList();
        }
        return { type: 'aggregate', op: t.text as Aggregation, by, arg };
      }
    }
    if (t.kind === 'ident' && t.text === 'rate' && tokens[i + 1]?.text === '(') {
      i += 2;
      const arg = selector();
      expect(')');
      return { type: 'rate', arg };
    }
    return selector();
  };

  const result = expr();
  if (peek().kind !== 'end') fail('end of query');
  return result;
}
