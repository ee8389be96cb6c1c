/**
 * The Status page (`#/status`): every agent that sends data, with its version, last report, line
 * rate, backlog, errors and drops, and the server's storage use. With no agent yet, it tells a new
 * user how to add a node.
 */
import { ApiError, type Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { formatAgo, formatBytes } from './format.ts';
import { poll, type Poller } from './poller.ts';
import type { Page } from './router.ts';
import { reportError, requireToken } from './sign-in.ts';
import { agents, formatRate, serverStatus, type AgentRow, type ServerStatus } from './status-api.ts';

const REFRESH_MS = 5000;

function count(value: number | null): string {
  return value === null ? '–' : value.toLocaleString('en');
}

function agentRow(agent: AgentRow, now: number): HTMLElement {
  const backlog =
    agent.backlog_bytes === null
      ? '–'
      : `${formatBytes(agent.backlog_bytes)}${agent.backlog_entries ? ` (${agent.backlog_entries} batches)` : ''}`;
  const bad = (value: number | null) => (value !== null && value > 0 ? 'bad' : undefined);
  return el(
    'tr',
    { 'data-testid': 'agent-row', 'data-host': agent.host, class: agent.status },
    el('td', {}, el('span', { class: `dot ${agent.status}`, title: agent.status }), ` ${agent.host}`),
    el('td', {}, agent.version ?? '–'),
    el('td', { 'data-testid': 'agent-last-seen' }, formatAgo(agent.last_seen, now)),
    el('td', { class: 'num', 'data-testid': 'agent-lines' }, formatRate(agent.lines_per_second)),
    el('td', { class: 'num', 'data-testid': 'agent-backlog' }, backlog),
    el(
      'td',
      { class: `num ${bad(agent.errors_total) ?? ''}`, 'data-testid': 'agent-errors' },
      count(agent.errors_total),
    ),
    el(
      'td',
      { class: `num ${bad(agent.dropped_total) ?? ''}`, 'data-testid': 'agent-drops' },
      count(agent.dropped_total),
    ),
  );
}

function emptyState(): HTMLElement {
  const origin = window.location.origin;
  return el(
    'div',
    { class: 'empty-state', 'data-testid': 'status-empty' },
    el('h2', {}, 'No agent has reported yet'),
    el('p', {}, 'Run an agent on every node you want to see; it ships metrics, logs and events here:'),
    el('pre', { class: 'command' }, `npx birdseye agent --server ${origin} --token TOKEN`),
    el(
      'p',
      {},
      'Use a token with the ingest scope (the admin token is in the server’s <data-dir>/admin-token). ' +
        'Over an untrusted network, serve HTTPS and let agents check it (docs/tls.md). ' +
        'On the node, `birdseye agent status` shows what the agent is doing.',
    ),
  );
}

function storageCard(status: ServerStatus | string): HTMLElement {
  if (typeof status === 'string') {
    return el(
      'div',
      { class: 'card', 'data-testid': 'storage' },
      el('h3', { class: 'card-title' }, 'Storage'),
      el('p', { class: 'muted' }, status),
    );
  }
  const { storage } = status;
  return el(
    'div',
    { class: 'card', 'data-testid': 'storage' },
    el('h3', { class: 'card-title' }, 'Storage'),
    el(
      'p',
      {},
      el('strong', { 'data-testid': 'storage-bytes' }, formatBytes(storage.bytes)),
      ` on disk (${storage.backend}) in `,
      el('code', {}, storage.directory),
      ` · server ${status.version}`,
    ),
    el(
      'table',
      { class: 'status-table' },
      el(
        'tbody',
        {},
        ...storage.files
          .slice(0, 12)
          .map((f) => el('tr', {}, el('td', {}, f.path), el('td', { class: 'num' }, formatBytes(f.bytes)))),
      ),
    ),
  );
}

export class StatusPage implements Page {
  private readonly root = byId('page-status');
  private readonly poller: Poller;

  constructor(private readonly api: Api) {
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(): void {
    this.poller.now();
  }

  hide(): void {
    this.poller.stop();
  }

  private async refresh(): Promise<void> {
    if (!requireToken(() => this.poller.now())) {
      this.poller.stop();
      return;
    }
    try {
      const [rows, server] = await Promise.all([
        agents(this.api),
        // Storage is server-wide: a token without the admin scope still sees its agents.
        serverStatus(this.api).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 403) return 'Storage use needs an admin token.';
          throw error;
        }),
      ]);
      clearError();
      this.render(rows, server);
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }

  private render(rows: AgentRow[], server: ServerStatus | string): void {
    const now = Date.now();
    const sorted = [...rows].sort((a, b) => a.host.localeCompare(b.host));
    const table = el(
      'table',
      { class: 'status-table', 'data-testid': 'agents' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Agent', 'Version', 'Last seen', 'Lines/s', 'Backlog', 'Errors', 'Drops'].map((h, i) =>
            el('th', i >= 3 ? { class: 'num' } : {}, h),
          ),
        ),
      ),
      el('tbody', {}, ...sorted.map((agent) => agentRow(agent, now))),
    );
    const up = rows.filter((r) => r.status === 'up').length;
    this.root.replaceChildren(
      el('div', { class: 'page-header' }, el('h2', { class: 'page-title' }, 'Status')),
      el(
        'div',
        { class: 'card' },
        el('h3', { class: 'card-title' }, `Agents · ${up} up of ${rows.length}`),
        rows.length > 0 ? table : emptyState(),
      ),
      storageCard(server),
    );
  }
}
