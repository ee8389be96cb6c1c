/**
 * A host's CPU chart shades the stretch the anomaly detector flagged, at the right place: the
 * `birdseye server` process learns two days of a host's CPU, sees the last half hour far above
 * it and records an anomaly mark; the host page is opened on an absolute range and the shaded
 * columns of the chart's canvas are compared with where the mark's start and end fall on the
 * chart's time axis.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

const HOST = 'db-7';
const STEP = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Mark {
  host: string | null;
  metric: string;
  start: number;
  end: number;
}

/** A daily rhythm between about 20 and 50 % with a little deterministic noise. */
function usualCpu(ts: number, i: number): number {
  return 35 + 15 * Math.sin(((ts % DAY) / DAY) * 2 * Math.PI) + ((i * 7919) % 5) - 2;
}

/** The shaded columns of a chart's canvas and where its plot area lies, in canvas pixels. */
async function shadedColumns(page: Page, testId: string) {
  return page.evaluate((id) => {
    const chart = document.querySelector(`.page:not([hidden]) [data-testid="${id}"]`)!;
    const canvas = chart.querySelector('canvas')!;
    const over = chart.querySelector<HTMLElement>('.u-over')!.getBoundingClientRect();
    const box = canvas.getBoundingClientRect();
    const ratio = canvas.width / box.width;
    const left = (over.left - box.left) * ratio;
    const width = over.width * ratio;
    // A row just under the top of the plot: above the CPU line (the y axis ends at 100 %), so
    // only the grid and the shading are drawn there.
    const y = Math.round((over.top - box.top + 3) * ratio);
    const row = canvas.getContext('2d')!.getImageData(0, y, canvas.width, 1).data;
    const shaded: number[] = [];
    for (let x = 0; x < canvas.width; x++) {
      const [r, b, a] = [row[4 * x]!, row[4 * x + 2]!, row[4 * x + 3]!];
      // The shade is amber (red high, blue low); grid lines are grey and the lines blue.
      if (a > 0 && r - b > 60) shaded.push(x);
    }
    return { left, width, shaded };
  }, testId);
}

describe('anomaly shading on the host charts', { timeout: 180_000 }, () => {
  let server: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const now = Date.now();
  const pageErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-e2e-anomaly-'));
    const config = path.join(dir, 'birdseye.yaml');
    const alerting = {
      interval_ms: 1000,
      default_rules: false,
      rules: [
        {
          id: 'cpu-anomaly',
          name: 'CpuAnomaly',
          type: 'anomaly',
          query: 'node_cpu_usage_percent',
          min_history_ms: DAY,
          history_ms: 2 * DAY,
        },
      ],
    };
    writeFileSync(config, stringify({ server: { alerting } }));
    server = await startBirdseye('server', { args: ['--config', config] });
    const token = server.adminToken();

    const samples: Array<{ name: string; labels: Record<string, string>; value: number; ts: number }> = [];
    let i = 0;
    for (let ts = Math.floor(now / STEP) * STEP - 2 * DAY; ts <= now; ts += STEP, i++) {
      const value = ts >= now - 30 * 60_000 ? 92 : usualCpu(ts, i);
      samples.push({ name: 'node_cpu_usage_percent', labels: { host: HOST }, value, ts });
    }
    for (let k = 0, seq = 1; k < samples.length; k += 200, seq++) {
      const response = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          batch_id: `e2e-anomaly:${seq}`,
          agent_id: 'e2e-anomaly',
          seq,
          host: HOST,
          sent_ts: Date.now(),
          metrics: samples.slice(k, k + 200),
        }),
      });
      assert.equal(response.status, 200, await response.text());
    }
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shades the flagged stretch of the host's CPU chart where it happened", async () => {
    const marks = await eventually(
      async () => {
        const { body } = await getJson<{ anomalies: Mark[] }>(
          `${server.url}/api/v1/anomalies?from=now-2h&to=now&host=${HOST}`,
          server.adminToken(),
        );
        return body.anomalies.length > 0 ? body.anomalies : undefined;
      },
      60_000,
      'the anomaly mark of the CPU jump',
    );
    assert.equal(marks.length, 1, JSON.stringify(marks));
    const mark = marks[0]!;
    assert.equal(mark.metric, 'node_cpu_usage_percent');

    const from = now - 2 * HOUR;
    const to = now;
    const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    await page.goto(`${server.url}/#/hosts?host=${HOST}&${range}&token=${server.adminToken()}`);
    const chart = page.locator(`.page:not([hidden]) [data-testid="chart-cpu"]`);
    await eventually(
      async () =>
        (await chart.getAttribute('data-markers')) === 'anomaly: node_cpu_usage_percent' ? true : undefined,
      WAIT_MS,
      'the CPU chart to carry the anomaly',
    );

    const { left, width, shaded } = await shadedColumns(page, 'chart-cpu');
    const x = (ts: number): number =>
      left + ((Math.min(Math.max(ts, from), to) - from) / (to - from)) * width;
    assert.ok(shaded.length > 0, 'no shaded column in the CPU chart');
    const [first, last] = [shaded[0]!, shaded.at(-1)!];
    assert.equal(shaded.length, last - first + 1, 'the shading is one unbroken stretch');
    assert.ok(
      Math.abs(first - x(mark.start)) <= 2,
      `shading starts at ${first}, the mark at ${x(mark.start)}`,
    );
    assert.ok(Math.abs(last - x(mark.end)) <= 2, `shading ends at ${last}, the mark at ${x(mark.end)}`);
    // The jump was the last half hour of two: the shading covers about the last quarter.
    assert.ok(first > left + width / 2, `shading starts at ${first}, in the first half of the chart`);
    assert.deepEqual(pageErrors, []);
  });
});
