import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BirdseyeError } from '../../core/errors.ts';
import { parseMetricQuery } from './metric-query.ts';
import { parseDuration, parseTime } from './time.ts';

describe('metric query parser', () => {
  it('parses a bare selector', () => {
    assert.deepEqual(parseMetricQuery('node_load1'), { type: 'selector', name: 'node_load1', matchers: [] });
  });

  it('parses every matcher kind, with escapes in values', () => {
    const expr = parseMetricQuery(
      'node_cpu_seconds_total{host="a\\"b", mode!="idle", cpu=~"1|2", dev!~"lo.*",}',
    );
    assert.deepEqual(expr, {
      type: 'selector',
      name: 'node_cpu_seconds_total',
      matchers: [
        { label: 'host', op: '=', value: 'a"b' },
        { label: 'mode', op: '!=', value: 'idle' },
        { label: 'cpu', op: '=~', value: '1|2' },
        { label: 'dev', op: '!~', value: 'lo.*' },
      ],
    });
  });

  it('parses rate and aggregations with by before or after', () => {
    const inner = { type: 'rate', arg: { type: 'selector', name: 'x_total', matchers: [] } };
    assert.deepEqual(parseMetricQuery('sum by (host, mode) (rate(x_total))'), {
      type: 'aggregate',
      op: 'sum',
      by: ['host', 'mode'],
      arg: inner,
    });
    assert.deepEqual(parseMetricQuery('avg(rate(x_total)) by (host)'), {
      type: 'aggregate',
      op: 'avg',
      by: ['host'],
      arg: inner,
    });
  });

  it('treats an aggregation name alone as a metric name', () => {
    assert.deepEqual(parseMetricQuery('count'), { type: 'selector', name: 'count', matchers: [] });
  });

  const errors: Array<[string, RegExp]> = [
    ['', /position 1: expected a metric name, found end of query/],
    ['node_load1{host="a"', /position 20: expected ',' or '}'/],
    ['node_load1{host=a}', /position 17: expected a quoted value/],
    ['node_load1{host~"a"}', /position 16: unexpected character "~"/],
    ['sum by host (x)', /position 8: expected '\('/],
    ['rate(sum(x))', /expected ',' or '}'|expected '\)'/],
    ['x{a=~"("}', /position 6: invalid regular expression/],
    ['x y', /position 3: expected end of query, found y/],
  ];
  for (const [query, expected] of errors) {
    it(`reports where ${JSON.stringify(query)} goes wrong`, () => {
      assert.throws(
        () => parseMetricQuery(query),
        (error: unknown) =>
          error instanceof BirdseyeError && error.status === 400 && expected.test(error.message),
      );
    });
  }
});

describe('times and durations', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  it('accepts epoch ms, RFC 3339 and relative times', () => {
    assert.equal(parseTime('1764072000000', 'from', now), 1_764_072_000_000);
    assert.equal(parseTime('2026-11-25T11:00:00Z', 'from', now), now - 3_600_000);
    assert.equal(parseTime('2026-11-25T13:00:00+01:00', 'from', now), now);
    assert.equal(parseTime('now', 'to', now), now);
    assert.equal(parseTime('now-15m', 'from', now), now - 900_000);
    assert.equal(parseTime('now - 1h30m', 'from', now), now - 5_400_000);
  });

  it('names the parameter when a time is not understood', () => {
    assert.throws(() => parseTime('yesterday', 'from', now), /from: "yesterday" is not a time/);
    assert.throws(() => parseTime('now-5x', 'to', now), /to: "now-5x" is not a time/);
  });

  it('parses compound durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('5'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});
