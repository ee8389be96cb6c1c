/** Birdseye's web UI: a host list and, for the selected host, CPU and memory over time. */
import { Api, ApiError, type Host } from './api.ts';
import { byId, clearError, el, showError } from './dom.ts';
import { HostDetail } from './host-detail.ts';
import { renderHostList } from './host-list.ts';
import { poll } from './poller.ts';
import { showSignIn, storedToken, takeTokenFromUrl } from './sign-in.ts';

const REFRESH_MS = 5000;
const RANGES = ['15m', '1h', '6h', '24h'] as const;

const state: { hosts: Host[]; selected: string | undefined; range: string } = {
  hosts: [],
  selected: undefined,
  range: RANGES[0],
};

takeTokenFromUrl();
const api = new Api(storedToken);
const detail = new HostDetail(api);
const poller = poll(refresh, REFRESH_MS);

function select(host: string): void {
  state.selected = host;
  renderHosts();
  poller.now();
}

function renderHosts(): void {
  renderHostList(byId('host-list'), state.hosts, state.selected, select);
}

function renderRanges(): void {
  byId('ranges').replaceChildren(
    ...RANGES.map((range) => {
      const button = el('button', { type: 'button', 'aria-pressed': String(range === state.range) }, range);
      button.addEventListener('click', () => {
        state.range = range;
        renderRanges();
        poller.now();
      });
      return button;
    }),
  );
}

async function refresh(): Promise<void> {
  if (storedToken() === undefined) {
    poller.stop();
    showSignIn('No token is stored in this browser yet.', () => poller.now());
    return;
  }
  try {
    state.hosts = await api.hosts();
    if (!state.hosts.some((h) => h.host === state.selected)) state.selected = state.hosts[0]?.host;
    renderHosts();
    const host = state.hosts.find((h) => h.host === state.selected);
    if (host) await detail.load(host, state.range);
    else detail.showWaiting(true);
    clearError();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      poller.stop();
      clearError();
      showSignIn(`The server did not accept the stored token: ${error.message}.`, () => poller.now());
    } else {
      showError(error);
    }
  }
}

renderRanges();
poller.now();
