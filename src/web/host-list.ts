/** The left-hand list of hosts, each with its status and when it last reported. */
import type { Host } from './api.ts';
import { el } from './dom.ts';
import { formatAgo } from './format.ts';

export function renderHostList(
  list: HTMLElement,
  hosts: Host[],
  selected: string | undefined,
  onSelect: (host: string) => void,
): void {
  const now = Date.now();
  if (hosts.length === 0) {
    list.replaceChildren(el('li', { class: 'host-list-empty' }, 'No host has reported yet.'));
    return;
  }
  list.replaceChildren(
    ...hosts.map((host) => {
      const row = el(
        'button',
        {
          type: 'button',
          class: 'host-row',
          'data-testid': 'host-row',
          'data-host': host.host,
          'aria-current': host.host === selected ? 'true' : undefined,
          title: `agent ${host.agent_version} (${host.agent_id})`,
        },
        el('span', { class: `status-dot ${host.status}`, 'aria-label': host.status }),
        el('span', { class: 'host-name' }, host.host),
        el('span', { class: 'host-seen' }, `last seen ${formatAgo(host.last_seen, now)}`),
      );
      row.addEventListener('click', () => onSelect(host.host));
      return el('li', {}, row);
    }),
  );
}
