/**
 * Building the page. `el` puts text in as text, so host names can never become markup; the
 * banner shows API errors on the page rather than in the console only.
 */
import { ApiError } from './api.ts';

type Attributes = Record<string, string | boolean | undefined>;
type Child = Node | string | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** The element with this id, which index.html promises is there. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

/** Shows what the server said (or what broke in the page) until the next successful refresh. */
export function showError(error: unknown): void {
  const banner = byId('banner');
  banner.textContent =
    error instanceof ApiError
      ? `${error.message} (${error.code})`
      : `Something went wrong in the page: ${String(error)}`;
  banner.hidden = false;
}

export function clearError(): void {
  byId('banner').hidden = true;
}
