import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BirdseyeError } from '../../core/errors.ts';
import { EVENT_FIELDS } from './log-fields.ts';
import { logMatcher, textTokens } from './log-match.ts';
import { parseLogQuery, type LogQuery } from './log-query.ts';

const t = (text: string, field: string | null = null, prefix = false): LogQuery => ({
  type: 'term',
  field,
  text,
  prefix,
});
const sev = (lo: number, hi = lo): LogQuery => ({
  type: 'range',
  field: 'severity',
  lower: { value: String(lo), inclusive: true },
  upper: { value: String(hi), inclusive: true },
});

const PARSES: Array<[string, LogQuery]> = [
  ['', { type: 'all' }],
  ['   ', { type: 'all' }],
  ['*', { type: 'all' }],
  ['timeout', t('timeout')],
  ['"connection refused"', t('connection refused')],
  ['"say \\"hi\\""', t('say "hi"')],
  ['err*', t('err', null, true)],
  ['a b', { type: 'and', items: [t('a'), t('b')] }],
  ['a AND b', { type: 'and', items: [t('a'), t('b')] }],
  ['a && b || c', { type: 'or', items: [{ type: 'and', items: [t('a'), t('b')] }, t('c')] }],
  ['a OR b c', { type: 'or', items: [t('a'), { type: 'and', items: [t('b'), t('c')] }] }],
  ['(a OR b) c', { type: 'and', items: [{ type: 'or', items: [t('a'), t('b')] }, t('c')] }],
  ['NOT a', { type: 'not', item: t('a') }],
  ['-a +b', { type: 'and', items: [{ type: 'not', item: t('a') }, t('b')] }],
  ['!a', { type: 'not', item: t('a') }],
  ['a - b', { type: 'and', items: [t('a'), t('-'), t('b')] }],
  ['host:web-1', t('web-1', 'host')],
  ['container.name:"api gateway"', t('api gateway', 'container.name')],
  ['service:(api OR web)', { type: 'or', items: [t('api', 'service'), t('web', 'service')] }],
  ['host:web*', t('web', 'host', true)],
  ['host:*', { type: 'exists', field: 'host' }],
  ['severity:3', sev(3)],
  ['severity:warning', sev(4)],
  ['severity:<=3', { type: 'range', field: 'severity', upper: { value: '3', inclusive: true } }],
  ['severity:>err', { type: 'range', field: 'severity', lower: { value: '3', inclusive: false } }],
  [
    'fields.status:[500 TO 599]',
    {
      type: 'range',
      field: 'fields.status',
      lower: { value: '500', inclusive: true },
      upper: { value: '599', inclusive: true },
    },
  ],
  [
    'fields.status:{500 TO *]',
    { type: 'range', field: 'fields.status', lower: { value: '500', inclusive: false } },
  ],
  ['path\\:x', t('path:x')],
  ['fields.http.status:503', t('503', 'fields.http.status')],
];

/** Query → 1-based position and what the error says was expected. */
const ERRORS: Array<[string, number, RegExp]> = [
  ['(a', 3, /expected '\)' or an operator/],
  ['a)', 2, /expected an operator \(AND, OR, NOT\), a term or end of query, found "\)"/],
  ['"open', 1, /closing '"'/],
  ['a AND', 6, /expected a term, a "phrase", a field:value or \(, found end of query/],
  ['OR a', 1, /expected a term/],
  ['hots:web', 1, /unknown field "hots"; fields are host, source/],
  ['severity:loud', 10, /expected a severity/],
  ['severity:<', 11, /expected a range bound, found end of query/],
  ['fields.status:[1 2]', 18, /expected 'TO', found "2"/],
  ['fields.status:[1 TO 2', 22, /expected '\]' or '\}'/],
  ['e*r', 2, /wildcards are supported only at the end/],
  ['a?', 2, /wildcards/],
  ['message:>3', 9, /message is full text and has no ranges/],
  ['fields.:x', 1, /unknown field "fields\."/],
  ['('.repeat(40) + 'a' + ')'.repeat(40), 34, /nested deeper than 32/],
  [Array.from({ length: 70 }, (_, i) => `t${i}`).join(' '), 247, /more than 64 terms/],
  ['x'.repeat(5000), 4097, /longer than 4096/],
];

describe('log query parser', () => {
  for (const [query, ast] of PARSES) {
    it(`parses ${JSON.stringify(query)}`, () => assert.deepEqual(parseLogQuery(query), ast));
  }

  it('treats a word with a colon but an unknown field as an error, and an escaped colon as text', () => {
    assert.throws(() => parseLogQuery('url:x'), /unknown field "url"/);
    assert.deepEqual(parseLogQuery('url\\:x'), t('url:x'));
  });

  for (const [query, position, message] of ERRORS) {
    it(`rejects ${JSON.stringify(query.length > 40 ? query.slice(0, 40) + '…' : query)} at position ${position}`, () => {
      try {
        parseLogQuery(query);
        assert.fail('expected a syntax error');
      } catch (error) {
        assert.ok(error instanceof BirdseyeError);
        assert.equal(error.code, 'BE_QUERY_INVALID');
        assert.equal(error.status, 400);
        assert.match(error.message, new RegExp(`^query position ${position}: `));
        assert.match(error.message, message);
      }
    });
  }

  it('knows the event fields apart from the log fields', () => {
    assert.deepEqual(parseLogQuery('actor.name:web', EVENT_FIELDS), t('web', 'actor.name'));
    assert.throws(() => parseLogQuery('actor.name:web'), /unknown field "actor\.name"/);
    assert.throws(() => parseLogQuery('container.name:web', EVENT_FIELDS), /unknown field/);
  });
});

describe('log matcher', () => {
  it('tokenizes like FTS5 unicode61: case, diacritics and punctuation fold away', () => {
    assert.deepEqual(textTokens('Crème-Brûlée_v2 at 10.0.0.1!'), [
      'creme',
      'brulee',
      'v2',
      'at',
      '10',
      '0',
      '0',
      '1',
    ]);
  });

  it('matches phrases in order and prefixes only on the last token', () => {
    const m = (q: string) =>
      logMatcher(parseLogQuery(q))({ ts: 0, host: 'h', source: 's', message: 'Connection refused by peer' });
    assert.equal(m('"connection refused"'), true);
    assert.equal(m('"refused connection"'), false);
    assert.equal(m('refu*'), true);
    assert.equal(m('connection -peer'), false);
  });
});
