import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highlightPieces, queryTerms } from './highlight.ts';
import { addClause, quoteTerm } from './log-api.ts';

const marked = (message: string, query: string): string[] =>
  highlightPieces(message, queryTerms(query))
    .filter((p) => p.match)
    .map((p) => p.text);

describe('queryTerms', () => {
  it('takes bare words, phrases and message: terms, and leaves out other fields', () => {
    const terms = queryTerms('timeout "connection refused" message:db host:web-1 service:(api OR web)');
    assert.deepEqual([...terms.words].sort(), ['connection', 'db', 'refused', 'timeout']);
  });

  it('leaves out negated terms and operators', () => {
    const terms = queryTerms('error AND NOT debug -noise !quiet OR warn');
    assert.deepEqual([...terms.words].sort(), ['error', 'warn']);
  });

  it('keeps prefixes and skips ranges', () => {
    const terms = queryTerms('err* fields.status:[500 TO 599] severity:<=warning');
    assert.deepEqual(terms.prefixes, ['err']);
    assert.equal(terms.words.size, 0);
  });
});

describe('highlightPieces', () => {
  it('marks whole words ignoring case and accents', () => {
    assert.deepEqual(marked('Timeout after CAFÉ timeouts', 'timeout cafe'), ['Timeout', 'CAFÉ']);
  });

  it('marks words by prefix', () => {
    assert.deepEqual(marked('error: errno 5, no err', 'err*'), ['error', 'errno', 'err']);
  });

  it('keeps the message whole, in order', () => {
    const pieces = highlightPieces('a timeout b', queryTerms('timeout'));
    assert.equal(pieces.map((p) => p.text).join(''), 'a timeout b');
  });
});

describe('addClause', () => {
  it('adds a clause, quoting values that need it', () => {
    assert.equal(addClause('', 'host', 'web-1'), 'host:web-1');
    assert.equal(
      addClause('timeout', 'container.name', 'api gateway'),
      'timeout AND container.name:"api gateway"',
    );
    assert.equal(addClause('a OR b', 'severity', 'err'), '(a OR b) AND severity:err');
  });

  it('escapes quotes and backslashes', () => {
    assert.equal(quoteTerm('a"b\\c'), '"a\\"b\\\\c"');
  });
});
