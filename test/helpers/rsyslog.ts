import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.ts';
import { requirePart, startDaemon } from './system-part.ts';
import net from 'node:net';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const OMELASTICSEARCH = '/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so';

export interface RsyslogProcess {
  /** Where rsyslog listens for syslog over TCP (imtcp). */
  readonly tcpPort: number;
  readonly dir: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

/**
 * Debian's rsyslogd in the foreground (-n) with its own config, pid file and work dir; it takes
 * syslog over TCP on a random loopback port and hands it to the actions in `rules` (RainerScript,
 * run in a ruleset bound to that input; `{{DIR}}` is the work dir).
 */
export async function startRsyslog(setup: {
  rules: string;
  modules?: string[];
  /** Top-level statements (templates) the rules use. */
  preamble?: string;
}): Promise<RsyslogProcess> {
  const { rules, modules = [], preamble = '' } = setup;
  requirePart(RSYSLOGD, 'rsyslog');
  requirePart(OMELASTICSEARCH, 'rsyslog-elasticsearch');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-rsyslog-'));
  const tcpPort = await freePort();
  const config = `
global(workDirectory="${dir}")
module(load="imtcp")
${modules.map((m) => `module(load="${m}")`).join('\n')}
${preamble}
input(type="imtcp" address="127.0.0.1" port="${tcpPort}" ruleset="forward")
ruleset(name="forward") {
${rules.replaceAll('{{DIR}}', dir)}
}
`;
  writeFileSync(path.join(dir, 'rsyslog.conf'), config);
  const { log, stop } = await startDaemon(
    'rsyslogd',
    dir,
    RSYSLOGD,
    ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslogd.pid')],
    () => canConnect(tcpPort),
  );
  return { tcpPort, dir, log, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
