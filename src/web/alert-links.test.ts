import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertChartsHref, alertLogsHref } from './alert-links.ts';
import { parseRoute } from './router.ts';

const START = Date.parse('2026-11-25T08:00:00Z');

describe('where an alert leads', () => {
  it("opens a log-count rule's own query, narrowed to the alert's group, 15 minutes either side", () => {
    const rule = {
      id: 'pay',
      type: 'log_count',
      severity: 'warning',
      query: '"payment failed"',
      group_by: ['host'],
    };
    const route = parseRoute(alertLogsHref({ host: 'web-1', alertname: 'Pay' }, START, rule));
    assert.deepEqual(route, {
      page: 'logs',
      params: {
        q: '"payment failed" AND host:web-1',
        from: '2026-11-25T07:45:00.000Z',
        to: '2026-11-25T08:15:00.000Z',
      },
    });
  });

  it("opens the container's logs and charts for an event alert", () => {
    const labels = { host: 'web-1', actor_name: 'api', alertname: 'ContainerOOM' };
    assert.equal(
      parseRoute(alertLogsHref(labels, START, undefined)).params.q,
      'host:"web-1" AND container.name:"api"',
    );
    const charts = parseRoute(alertChartsHref(labels, START)!);
    assert.equal(charts.page, 'containers');
    assert.equal(charts.params.name, 'api');
  });

  it('has no charts for an alert without a host', () => {
    assert.equal(alertChartsHref({ alertname: 'x' }, START), undefined);
  });
});
