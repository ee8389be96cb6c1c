/** Birdseye's web UI: overview, hosts, containers, logs, events, alerts, patterns and status, with the page and its state in the URL. */
import { showAccount } from './account.ts';
import { AlertsPage } from './alerts-page.ts';
import { Api } from './api.ts';
import { ContainersPage } from './containers-page.ts';
import { byId } from './dom.ts';
import { EventsPage } from './events-page.ts';
import { HostsPage } from './hosts-page.ts';
import { LogsPage } from './logs-page.ts';
import { OverviewPage } from './overview-page.ts';
import { PatternsPage } from './patterns-page.ts';
import { formatRoute, PAGES, Router, type PageFactory, type PageName } from './router.ts';
import { storedToken, takeTokenFromUrl } from './sign-in.ts';
import { StatusPage } from './status-page.ts';
import { setUpThemeToggle } from './theme.ts';

takeTokenFromUrl();
setUpThemeToggle(byId('theme-toggle'));
const api = new Api(storedToken);
// Each page is made when first shown: the overview's first paint does not wait for the others.
const pages: Record<PageName, PageFactory> = {
  overview: () => new OverviewPage(api, router),
  hosts: () => new HostsPage(api, router),
  containers: () => new ContainersPage(api, router),
  logs: () => new LogsPage(api, router),
  events: () => new EventsPage(api, router),
  alerts: () => new AlertsPage(api, router),
  patterns: () => new PatternsPage(api, router),
  status: () => new StatusPage(api),
};
/** Where each nav link goes: the page as it was last shown, so switching back keeps its search. */
const lastHash = new Map<PageName, string>();

const router = new Router(pages, (route) => {
  lastHash.set(route.page, formatRoute(route));
  for (const name of PAGES) {
    byId(`page-${name}`).hidden = name !== route.page;
    const link = document.querySelector<HTMLAnchorElement>(`[data-page="${name}"]`);
    link?.setAttribute('aria-current', name === route.page ? 'page' : 'false');
    if (link) link.href = lastHash.get(name) ?? `#/${name}`;
  }
  document.title = `${route.page[0]!.toUpperCase()}${route.page.slice(1)} · Birdseye`;
});

/** `/` jumps to the query of the page shown; Escape leaves it. */
document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  const typing = target.matches('input, textarea, select, [contenteditable]');
  if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const input = document.querySelector<HTMLInputElement>('.page:not([hidden]) .query-input');
    if (input) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  } else if (event.key === 'Escape' && typing) {
    target.blur();
  }
});

router.dispatch();
void showAccount(api);
window.addEventListener('birdseye:signed-in', () => void showAccount(api));
