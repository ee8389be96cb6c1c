/**
 * The query input of the Logs and Events pages: runs on Enter, keeps a history in localStorage
 * (offered as suggestions), and shows the server's syntax error under the query with a caret at
 * the position the message names.
 */
import { ApiError } from './api.ts';
import { el } from './dom.ts';

const HISTORY_MAX = 30;

export class QueryBar {
  readonly element: HTMLFormElement;
  readonly input: HTMLInputElement;
  private readonly error = el('div', { class: 'query-error', 'data-testid': 'query-error', role: 'alert' });
  private readonly history = el('datalist');

  constructor(
    private readonly historyKey: string,
    placeholder: string,
    private readonly onRun: (query: string) => void,
  ) {
    const listId = `${historyKey.replace(/\W/g, '-')}-history`;
    this.history.id = listId;
    this.input = el('input', {
      type: 'search',
      class: 'query-input',
      'data-testid': 'query-input',
      placeholder,
      list: listId,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': 'Query',
    });
    this.element = el(
      'form',
      { class: 'query-bar', role: 'search' },
      el(
        'div',
        { class: 'query-row' },
        this.input,
        el('button', { type: 'submit', class: 'primary' }, 'Search'),
      ),
      this.error,
      this.history,
    );
    this.error.hidden = true;
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = this.input.value.trim();
      this.remember(query);
      this.onRun(query);
    });
    this.renderHistory();
  }

  set(query: string): void {
    if (document.activeElement !== this.input || this.input.value.trim() === query) this.input.value = query;
  }

  /** Shows a 400 BE_QUERY_INVALID under the query; true when `error` was one. */
  showError(error: unknown, query: string): boolean {
    if (!(error instanceof ApiError) || error.code !== 'BE_QUERY_INVALID') return false;
    const position = Number(/query position (\d+)/.exec(error.message)?.[1] ?? 0);
    const parts: Node[] = [el('div', { class: 'query-error-message' }, error.message)];
    if (position > 0) {
      parts.push(
        el(
          'pre',
          { class: 'query-error-where', 'data-position': String(position) },
          `${query}\n${' '.repeat(position - 1)}^`,
        ),
      );
      this.input.setSelectionRange(position - 1, position - 1);
    }
    this.error.replaceChildren(...parts);
    this.error.hidden = false;
    this.input.setAttribute('aria-invalid', 'true');
    return true;
  }

  clearError(): void {
    this.error.hidden = true;
    this.input.removeAttribute('aria-invalid');
  }

  private remember(query: string): void {
    if (query === '') return;
    const list = [query, ...this.load().filter((q) => q !== query)].slice(0, HISTORY_MAX);
    localStorage.setItem(this.historyKey, JSON.stringify(list));
    this.renderHistory();
  }

  private load(): string[] {
    try {
      const list: unknown = JSON.parse(localStorage.getItem(this.historyKey) ?? '[]');
      return Array.isArray(list) ? list.filter((q): q is string => typeof q === 'string') : [];
    } catch {
      return [];
    }
  }

  private renderHistory(): void {
    this.history.replaceChildren(...this.load().map((q) => el('option', { value: q })));
  }
}
