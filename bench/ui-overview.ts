/**
 * UI speed in headless Chromium:
 *  1. first paint of the Overview with 50 hosts and 500 containers of data (filled through the
 *     real ingest API), as the browser's first-contentful-paint and the time until the page has
 *     drawn every section (the `overview-rendered` mark), both from navigation start;
 *  2. one of the UI's charts (src/web/time-chart.ts, bundled as the app bundles it) drawing
 *     10,000 points, and the cost of moving the cursor across it.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startBirdseye } from '../test/helpers/birdseye-process.ts';
import { launchChromium } from '../test/e2e/harness.ts';
import { fillFleet } from './fill.ts';

const SHAPE = {
  hosts: Number(process.env.BENCH_UI_HOSTS ?? 50),
  containers: Number(process.env.BENCH_UI_CONTAINERS ?? 500),
  span_ms: 20 * 60_000,
  interval_ms: 30_000,
  logs_per_container: 20,
};
const RUNS = 5;
const POINTS = 10_000;

/** CPU time (user + system) of a child process so far, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const server = await startBirdseye('server');
const browser = await launchChromium();
try {
  const token = server.adminToken();
  const started = Date.now();
  const filled = await fillFleet(server.url, token, SHAPE);
  console.log(
    `ui-overview: filled ${SHAPE.hosts} hosts, ${SHAPE.containers} containers: ${filled.samples} samples, ` +
      `${filled.logs} log lines, ${filled.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const first = await context.newPage();
  await first.goto(`${server.url}/#/overview?token=${token}`);
  await first.locator('#page-overview[data-ready]').waitFor({ timeout: 60_000 });
  await first.close();

  const serverCpu0 = cpuMs(server.child.pid!);
  const paints: number[] = [];
  const rendered: number[] = [];
  const tiles: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await context.newPage();
    await page.goto(`${server.url}/#/overview`);
    await page.locator('#page-overview[data-ready]').waitFor({ timeout: 60_000 });
    const shown = await page.getByTestId('host-tile').count();
    if (shown !== SHAPE.hosts) throw new Error(`the overview shows ${shown} host tiles, not ${SHAPE.hosts}`);
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      rendered: performance.getEntriesByName('overview-rendered')[0]?.startTime ?? NaN,
      tiles: performance.getEntriesByName('overview-tiles')[0]?.startTime ?? NaN,
      api: performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/'))
        .map((e) => {
          const r = e as PerformanceResourceTiming;
          const server = r.serverTiming.map((t) => `${t.name} ${t.duration.toFixed(1)}`).join(', ');
          return { name: e.name, start: e.startTime, duration: e.duration, server };
        }),
    }));
    if (run === RUNS - 1 && process.env.BENCH_UI_VERBOSE) {
      for (const r of timing.api)
        console.log(
          `  ${r.start.toFixed(0)} +${r.duration.toFixed(0)} ms ${decodeURIComponent(r.name.replace(server.url, ''))}` +
            (r.server ? ` (server ms: ${r.server})` : ''),
        );
    }
    paints.push(timing.fcp);
    rendered.push(timing.rendered);
    tiles.push(timing.tiles);
    await page.close();
  }
  const serverCpu = (cpuMs(server.child.pid!) - serverCpu0) / RUNS;
  console.log(
    `ui-overview: server CPU ${serverCpu.toFixed(0)} ms per load (all its requests); load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `ui-overview: first contentful paint median ${median(paints).toFixed(0)} ms; ` +
      `${SHAPE.hosts} host tiles coloured by health median ${median(tiles).toFixed(0)} ms; ` +
      `every section drawn (counts, top containers, log volume, events) median ` +
      `${median(rendered).toFixed(0)} ms, worst ${Math.max(...rendered).toFixed(0)} ms over ${RUNS} loads (target < 1000 ms)`,
  );

  const bundle = await build({
    entryPoints: [path.join(REPO_ROOT, 'src/web/time-chart.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'Charts',
    outdir: '/tmp/birdseye-bench-chart',
    logLevel: 'silent',
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  // tsx names the functions it compiles with an `__name` helper that the page does not have.
  await page.addScriptTag({ content: 'window.__name = (f) => f;' });
  for (const file of bundle.outputFiles) {
    if (file.path.endsWith('.css')) await page.addStyleTag({ content: file.text });
    else await page.addScriptTag({ content: file.text });
  }
  const chart = await page.evaluate(async (points: number) => {
    const { TimeChart } = (window as unknown as { Charts: typeof import('../src/web/time-chart.ts') }).Charts;
    document.body.innerHTML = '';
    const box = document.createElement('div');
    box.style.width = '1200px';
    const readout = document.createElement('div');
    document.body.append(readout, box);
    const chart = new TimeChart(box, readout, {
      lines: [
        { label: 'a', stroke: '#2563eb' },
        { label: 'b', stroke: '#dc2626' },
      ],
      formatValue: (v) => v.toFixed(1),
    });
    const now = Date.now();
    const xs: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < points; i++) {
      xs.push((now - (points - i) * 1000) / 1000);
      a.push(50 + 40 * Math.sin(i / 50) + Math.random() * 5);
      b.push(30 + 20 * Math.cos(i / 80));
    }
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const draws: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      chart.update([xs, a, b], now - points * 1000, now);
      await frame();
      draws.push(performance.now() - t0);
    }
    const over = box.querySelector('.u-over')!;
    const rect = over.getBoundingClientRect();
    const moves = 200;
    const t0 = performance.now();
    for (let i = 0; i < moves; i++) {
      over.dispatchEvent(
        new MouseEvent('mousemove', {
          clientX: rect.left + (i * rect.width) / moves,
          clientY: rect.top + 50,
          bubbles: true,
        }),
      );
      if (i % 20 === 0) await frame();
    }
    await frame();
    const hover = (performance.now() - t0) / moves;
    return { draws, hover, drawn: Number(box.dataset.points) };
  }, POINTS);
  console.log(
    `ui-chart: ${chart.drawn} points x 2 lines drawn in ${median(chart.draws).toFixed(1)} ms median ` +
      `(first ${chart.draws[0]!.toFixed(1)} ms, until the next frame); cursor move ${chart.hover.toFixed(2)} ms each`,
  );
} finally {
  await browser.close();
  await server.cleanup();
}
