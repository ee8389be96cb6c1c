/**
 * The admin token in this browser: taken from a `#token=` link once, kept in localStorage, and
 * asked for with a form when there is none or the server does not accept it.
 */
import { ApiError } from './api.ts';
import { byId, clearError, el, showError } from './dom.ts';

const STORAGE_KEY = 'birdseye.token';

/**
 * Moves a token from `#token=...` into storage and takes it out of the address bar, so it does
 * not end up in the history, in bookmarks or on a screen share.
 */
export function takeTokenFromUrl(): void {
  const match = /[#?&]token=([^&]*)/.exec(window.location.hash);
  if (!match) return;
  const token = decodeURIComponent(match[1] ?? '').trim();
  if (token !== '') storeToken(token);
  const rest = window.location.hash.replace(/([#?&])token=[^&]*&?/, '$1').replace(/[?&]$/, '');
  history.replaceState(
    null,
    '',
    window.location.pathname + window.location.search + (rest === '#' ? '' : rest),
  );
}

export function storedToken(): string | undefined {
  const token = localStorage.getItem(STORAGE_KEY);
  return token === null || token === '' ? undefined : token;
}

function storeToken(token: string): void {
  localStorage.setItem(STORAGE_KEY, token);
}

/** Shows the form (once; a second call keeps what the user has typed) and hides the dashboard. */
export function showSignIn(reason: string, onSignedIn: () => void): void {
  const section = byId('sign-in');
  byId('layout').hidden = true;
  byId('ranges').hidden = true;
  if (!section.hidden) return;

  const input = el('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    required: true,
    placeholder: 'admin token',
    'aria-label': 'Admin token',
  });
  const form = el(
    'form',
    { class: 'sign-in-form', 'data-testid': 'sign-in' },
    el('h2', {}, 'Sign in'),
    el('p', { class: 'sign-in-reason' }, reason),
    el('p', {}, 'Paste the admin token; it is in ', el('code', {}, '<data-dir>/admin-token'), '.'),
    input,
    el('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') return;
    storeToken(token);
    section.hidden = true;
    byId('layout').hidden = false;
    byId('ranges').hidden = false;
    onSignedIn();
  });
  section.replaceChildren(form);
  section.hidden = false;
  input.focus();
}

/**
 * What every page does with a failed read: a rejected token brings up the form (and `retry` runs
 * once signed in); anything else goes to the banner. True when the form is shown.
 */
export function reportError(error: unknown, retry: () => void): boolean {
  if (error instanceof ApiError && error.status === 401) {
    clearError();
    showSignIn(`The server did not accept the stored token: ${error.message}.`, retry);
    return true;
  }
  showError(error);
  return false;
}

/** True when there is a token; otherwise shows the form, which runs `retry` once signed in. */
export function requireToken(retry: () => void): boolean {
  if (storedToken() !== undefined) return true;
  showSignIn('No token is stored in this browser yet.', retry);
  return false;
}
