import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRoute, parseRoute } from './router.ts';
import { absoluteRange, describeRange, relativeSpan, resolveTime } from './time-range.ts';

describe('routes in the URL hash', () => {
  it('reads the page and its params', () => {
    assert.deepEqual(parseRoute('#/logs?q=host%3A%22web-1%22&from=now-1h&to=now'), {
      page: 'logs',
      params: { q: 'host:"web-1"', from: 'now-1h', to: 'now' },
    });
  });

  it('falls back to the overview', () => {
    assert.deepEqual(parseRoute(''), { page: 'overview', params: {} });
    assert.deepEqual(parseRoute('#/nowhere'), { page: 'overview', params: {} });
  });

  it('writes a route that reads back the same, without empty params', () => {
    const route = {
      page: 'events' as const,
      params: { q: 'action:(die OR oom)', from: 'now-24h', live: '' },
    };
    const hash = formatRoute(route);
    assert.equal(hash, '#/events?q=action%3A%28die+OR+oom%29&from=now-24h');
    assert.deepEqual(parseRoute(hash), {
      page: 'events',
      params: { q: 'action:(die OR oom)', from: 'now-24h' },
    });
  });
});

describe('time ranges', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);

  it('resolves relative, epoch and RFC 3339 times', () => {
    assert.equal(resolveTime('now', now), now);
    assert.equal(resolveTime('now-15m', now), now - 15 * 60_000);
    assert.equal(resolveTime('now-7d', now), now - 7 * 86_400_000);
    assert.equal(resolveTime('1764072000000', now), 1764072000000);
    assert.equal(resolveTime('2026-11-25T11:00:00.000Z', now), now - 3_600_000);
    assert.equal(resolveTime('yesterday', now), undefined);
  });

  it('tells relative ranges from absolute ones', () => {
    assert.equal(relativeSpan({ from: 'now-6h', to: 'now' }), '6h');
    assert.equal(relativeSpan({ from: 'now-6h', to: 'now-1h' }), undefined);
    assert.equal(describeRange({ from: 'now-1h', to: 'now' }, now), 'Last 1h');
    assert.match(describeRange(absoluteRange(now - 60_000, now), now), / → /);
  });

  it('makes a zoomed range absolute, to the millisecond', () => {
    assert.deepEqual(absoluteRange(now - 0.4, now), {
      from: '2026-11-25T12:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
    });
  });
});
