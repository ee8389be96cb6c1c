#!/usr/bin/env node
// Installs the system parts the test suite runs against (Debian packages), when they are missing.
// As root on Debian it installs them with apt-get; otherwise it says what to install and fails.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the tests need: a file that proves the part is there, and the Debian package that provides it. */
const PARTS = [
  { what: 'Chromium (browser tests)', file: '/usr/bin/chromium', pkg: 'chromium' },
  { what: 'journalctl (journald tests)', file: '/usr/bin/journalctl', pkg: 'systemd' },
  {
    what: 'systemd-journal-remote (journald tests write journal files with it)',
    file: '/lib/systemd/systemd-journal-remote',
    pkg: 'systemd-journal-remote',
  },
  { what: 'dockerd (docker tests run a private engine)', file: '/usr/sbin/dockerd', pkg: 'docker.io' },
  { what: 'busybox (docker tests import it as their image)', file: '/bin/busybox', pkg: 'busybox-static' },
  { what: 'etcd (cluster-wide config tests run a private etcd)', file: '/usr/bin/etcd', pkg: 'etcd-server' },
  { what: 'etcdctl (etcd tests set up users with it)', file: '/usr/bin/etcdctl', pkg: 'etcd-client' },
  { what: 'Prometheus (remote write tests)', file: '/usr/bin/prometheus', pkg: 'prometheus' },
  { what: 'rsyslogd (Elasticsearch bulk ingest tests)', file: '/usr/sbin/rsyslogd', pkg: 'rsyslog' },
  {
    what: 'rsyslog omelasticsearch (Elasticsearch bulk ingest tests)',
    file: '/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so',
    pkg: 'rsyslog-elasticsearch',
  },
];

const missing = PARTS.filter((part) => !existsSync(part.file));
if (missing.length === 0) process.exit(0);

const packages = missing.map((part) => part.pkg);
const isRoot = process.getuid?.() === 0;
const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
if (!isRoot || !isDebian) {
  console.error(
    `setup: missing ${missing.map((p) => `${p.what} (${p.file})`).join(', ')}.\n` +
      `Install the Debian packages: sudo apt-get install -y ${packages.join(' ')}`,
  );
  process.exit(1);
}

console.error(`setup: installing ${packages.join(' ')} with apt-get (this takes a minute or two)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
} catch (error) {
  console.error(`setup: apt-get failed (${error.message}); install ${packages.join(' ')} by hand and rerun`);
  process.exit(1);
}
const still = missing.filter((part) => !existsSync(part.file));
if (still.length) {
  console.error(`setup: still missing after install: ${still.map((p) => p.file).join(', ')}`);
  process.exit(1);
}
console.error('setup: done');
