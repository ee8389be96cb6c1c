/**
 * Signing in: with a user name and password (the server sets an HTTP-only session cookie that
 * page scripts never see), or with a token, taken from a `#token=` link once and kept in
 * localStorage. A stored token wins over the session, so a password sign-in forgets it.
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

export function forgetToken(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** User name and password → session cookie; the error stays in the form. */
function passwordForm(done: () => void): HTMLFormElement {
  const user = el('input', { name: 'user', autocomplete: 'username', required: true, 'aria-label': 'User' });
  const password = el('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-label': 'Password',
  });
  const problem = el('p', { class: 'sign-in-reason', 'data-testid': 'login-error', role: 'alert' });
  const form = el(
    'form',
    { class: 'sign-in-form', 'data-testid': 'login' },
    el('h2', {}, 'Sign in'),
    user,
    password,
    problem,
    el('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    problem.textContent = '';
    void fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: user.value.trim(), password: password.value }),
    })
      .then(async (response) => {
        if (!response.ok) {
          const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
          problem.textContent = body.error?.message ?? `sign-in failed (${response.status})`;
          return;
        }
        forgetToken();
        password.value = '';
        done();
      })
      .catch((error: unknown) => {
        problem.textContent = `the server did not answer (${String(error)})`;
      });
  });
  return form;
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
    el('h2', {}, 'Or use a token'),
    el('p', { class: 'sign-in-reason' }, reason),
    el('p', {}, 'Paste the admin token; it is in ', el('code', {}, '<data-dir>/admin-token'), '.'),
    input,
    el('button', { type: 'submit' }, 'Sign in'),
  );
  const signedIn = (): void => {
    section.hidden = true;
    byId('layout').hidden = false;
    byId('ranges').hidden = false;
    onSignedIn();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') return;
    storeToken(token);
    signedIn();
  });
  const login = passwordForm(() => {
    signedIn();
    // The header's account menu (user, tenant switch) belongs to who is signed in now.
    window.dispatchEvent(new Event('birdseye:signed-in'));
  });
  section.replaceChildren(login, form);
  section.hidden = false;
  login.querySelector('input')?.focus();
}

/**
 * What every page does with a failed read: a rejected token brings up the form (and `retry` runs
 * once signed in); anything else goes to the banner. True when the form is shown.
 */
export function reportError(error: unknown, retry: () => void): boolean {
  if (error instanceof ApiError && error.status === 401) {
    clearError();
    const reason =
      storedToken() === undefined
        ? `Sign in to continue (${error.message}).`
        : `The server did not accept the stored token: ${error.message}.`;
    showSignIn(reason, retry);
    return true;
  }
  showError(error);
  return false;
}

/**
 * Always true now: without a stored token the request goes with the session cookie, if any, and
 * a 401 brings up the form (see reportError). Kept so pages need not change.
 */
export function requireToken(_retry: () => void): boolean {
  return true;
}
