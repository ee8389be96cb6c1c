/**
 * The page and its state live in the hash (`#/logs?q=…&from=now-1h&to=now`), so a link can be
 * shared and a reload restores it. Pages never keep state the URL does not hold: a change in the
 * page writes the URL, and the hashchange that follows is what re-renders.
 */

export const PAGES = [
  'overview',
  'hosts',
  'containers',
  'logs',
  'events',
  'alerts',
  'patterns',
  'status',
] as const;
export type PageName = (typeof PAGES)[number];
export type Params = Record<string, string>;

export interface Route {
  page: PageName;
  params: Params;
}

/** `#/logs?q=err` → { page: 'logs', params: { q: 'err' } }; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const mark = text.indexOf('?');
  const path = (mark < 0 ? text : text.slice(0, mark)).replace(/^\/+|\/+$/g, '');
  const params: Params = {};
  if (mark >= 0) for (const [key, value] of new URLSearchParams(text.slice(mark + 1))) params[key] = value;
  const page = PAGES.find((p) => p === path) ?? 'overview';
  return { page, params };
}

/** The hash for a route, leaving out empty parameters; keys keep the order given. */
export function formatRoute(route: Route): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(route.params)) if (value !== '') search.set(key, value);
  const text = search.toString();
  return `#/${route.page}${text === '' ? '' : `?${text}`}`;
}

export interface Page {
  /** Called with the route's params whenever the URL changes while this page is shown. */
  show(params: Params): void;
  /** Called when another page is shown: stop polling and streams. */
  hide(): void;
}

/** Makes a page the first time it is shown, so the first paint pays for that page only. */
export type PageFactory = () => Page;

export class Router {
  private current: PageName | undefined;
  private readonly made = new Map<PageName, Page>();

  constructor(
    private readonly pages: Record<PageName, PageFactory>,
    /** Called on every route change, before the page is shown. */
    private readonly onRoute: (route: Route) => void,
  ) {
    window.addEventListener('hashchange', () => this.dispatch());
  }

  route(): Route {
    return parseRoute(window.location.hash);
  }

  /**
   * Goes to a route. `replace` (for refinements such as paging) keeps the history short; other
   * changes add an entry, so Back undoes a query or a zoom.
   */
  go(route: Route, replace = false): void {
    const hash = formatRoute(route);
    if (hash === window.location.hash) return;
    if (replace) {
      history.replaceState(null, '', hash);
      this.dispatch();
    } else {
      window.location.hash = hash;
    }
  }

  /** Changes some params of the current page. */
  update(params: Params, replace = false): void {
    const route = this.route();
    this.go({ page: route.page, params: { ...route.params, ...params } }, replace);
  }

  dispatch(): void {
    const route = this.route();
    if (route.page !== this.current) {
      if (this.current) this.page(this.current).hide();
      this.current = route.page;
    }
    this.onRoute(route);
    this.page(route.page).show(route.params);
  }

  private page(name: PageName): Page {
    let page = this.made.get(name);
    if (!page) this.made.set(name, (page = this.pages[name]()));
    return page;
  }
}
