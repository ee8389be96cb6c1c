import { existsSync } from 'node:fs';

export interface Finding {
  readonly what: string;
  readonly found: boolean;
  readonly detail: string;
}

const DOCKER_SOCKET = '/var/run/docker.sock';
const JOURNAL_DIRS = ['/run/log/journal', '/var/log/journal'];

/** What this node offers to collect, so start-up can tell the user what it found and what not. */
export function detectEnvironment(procRoot: string): Finding[] {
  const journal = JOURNAL_DIRS.find((dir) => existsSync(dir));
  return [
    {
      what: 'host metrics',
      found: existsSync(`${procRoot}/stat`),
      detail: existsSync(`${procRoot}/stat`)
        ? `reading ${procRoot}`
        : `${procRoot}/stat not found; set --proc-root`,
    },
    {
      what: 'docker',
      found: existsSync(DOCKER_SOCKET),
      detail: existsSync(DOCKER_SOCKET)
        ? `${DOCKER_SOCKET} found (container metrics, events and logs)`
        : `no socket at ${DOCKER_SOCKET}`,
    },
    {
      what: 'journald',
      found: journal !== undefined,
      detail: journal ? `journal at ${journal}` : `no journal in ${JOURNAL_DIRS.join(' or ')}`,
    },
  ];
}
