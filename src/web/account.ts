/**
 * The header's account corner for a user signed in with a password: who, the tenant shown (a
 * switch when the user belongs to several) and sign-out. Token users see nothing here.
 */
import type { Api } from './api.ts';
import { byId, el } from './dom.ts';

interface Me {
  user: string | null;
  tenant: string;
  tenants: string[];
}

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
}

export async function showAccount(api: Api): Promise<void> {
  const corner = byId('account');
  let me: Me;
  try {
    me = await api.get<Me>('/api/v1/auth/me');
  } catch {
    corner.replaceChildren();
    return;
  }
  if (me.user === null) {
    corner.replaceChildren();
    return;
  }
  const parts: HTMLElement[] = [
    el('span', { class: 'account-user', 'data-testid': 'account-user' }, me.user),
  ];
  if (me.tenants.length > 1) {
    const select = el('select', { 'aria-label': 'Tenant', 'data-testid': 'tenant-switch' });
    for (const t of me.tenants) select.append(el('option', { value: t, selected: t === me.tenant }, t));
    select.addEventListener('change', () => {
      // Every page's data belongs to the tenant: start over from a clean load.
      void post('/api/v1/auth/tenant', { tenant: select.value }).then(() => window.location.reload());
    });
    parts.push(select);
  } else {
    parts.push(el('span', { class: 'account-tenant', 'data-testid': 'account-tenant' }, me.tenant));
  }
  const signOut = el('button', { type: 'button', class: 'account-sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void post('/api/v1/auth/logout', {}).then(() => window.location.reload());
  });
  parts.push(signOut);
  corner.replaceChildren(...parts);
}
