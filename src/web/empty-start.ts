/** What a new user sees before any data arrived: how to send logs and how to add a node. */
import { el } from './dom.ts';

export function renderEmptyStart(target: HTMLElement): void {
  if (target.childElementCount > 0) return;
  const host = window.location.hostname;
  target.append(
    el(
      'div',
      { class: 'empty-state', 'data-testid': 'overview-empty' },
      el('h2', {}, 'Nothing has reported yet'),
      el('p', {}, 'Send the logs of this machine to the gateway (port 9000 by default):'),
      el('pre', {}, el('code', {}, `journalctl -o json -f | nc ${host} 9000`)),
      el('p', {}, 'Add a node: run an agent on it, pointed at this server, with a token from the data dir:'),
      el(
        'pre',
        {},
        el('code', {}, `birdseye agent --server ${window.location.origin} --token "$(cat data/admin-token)"`),
      ),
      el('p', {}, 'It shows up here within a few seconds, with its containers, metrics and logs.'),
    ),
  );
}
