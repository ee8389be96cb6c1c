/** The container table: name, image, host, state, CPU, memory against its limit, restarts. */
import { el } from './dom.ts';
import { containerKey, isRunning, type ContainerFigures, type ContainerInfo } from './fleet.ts';
import { formatAgo, formatBytes, formatDecimal } from './format.ts';
import { formatRoute } from './router.ts';

export interface ContainerFilter {
  text: string;
  /** '' (all), 'running' or 'stopped'. */
  state: string;
}

export function filterContainers(
  containers: ContainerInfo[],
  figures: Map<string, ContainerFigures>,
  filter: ContainerFilter,
): ContainerInfo[] {
  const text = filter.text.trim().toLowerCase();
  return containers.filter((c) => {
    const running = isRunning(c, figures.get(containerKey(c.host, c.name)));
    if (filter.state === 'running' && !running) return false;
    if (filter.state === 'stopped' && running) return false;
    if (text === '') return true;
    return [c.name, c.host, c.image ?? ''].some((v) => v.toLowerCase().includes(text));
  });
}

export function renderContainerTable(
  containers: ContainerInfo[],
  figures: Map<string, ContainerFigures>,
): HTMLElement {
  const now = Date.now();
  const head = el(
    'tr',
    {},
    ...['Container', 'Image', 'Host', 'State', 'CPU', 'Memory / limit', 'Restarts'].map((h) =>
      el('th', {}, h),
    ),
  );
  const rows = [...containers]
    .sort((a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name))
    .map((c) => {
      const f = figures.get(containerKey(c.host, c.name));
      const running = isRunning(c, f);
      const memory =
        f?.memory === undefined
          ? '–'
          : f.limit
            ? `${formatBytes(f.memory)} / ${formatBytes(f.limit)} (${Math.round((f.memory / f.limit) * 100)}%)`
            : `${formatBytes(f.memory)} / no limit`;
      const state = running ? 'running' : (c.state ?? (f?.running === false ? 'exited' : 'unknown'));
      // The exit code is an average over the last minute; only a whole number is a real one.
      const exit = !running && Number.isInteger(f?.exitCode) ? ` (exit ${f!.exitCode})` : '';
      return el(
        'tr',
        { 'data-testid': 'container-row', 'data-name': c.name, 'data-host': c.host },
        el(
          'td',
          {},
          el(
            'a',
            { href: formatRoute({ page: 'containers', params: { host: c.host, name: c.name } }) },
            c.name,
          ),
        ),
        el('td', { class: 'muted' }, c.image ?? '–'),
        el('td', {}, c.host),
        el(
          'td',
          { title: `last seen ${formatAgo(c.last_seen, now)}` },
          el('span', { class: `state-pill ${running ? 'up' : 'down'}` }, state + exit),
        ),
        el('td', { class: 'num' }, f?.cpu === undefined ? '–' : `${formatDecimal(f.cpu)} %`),
        el('td', { class: 'num' }, memory),
        el('td', { class: 'num' }, f?.restarts === undefined ? '–' : String(f.restarts)),
      );
    });
  return el(
    'table',
    { class: 'data-table', 'data-testid': 'container-table' },
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}
