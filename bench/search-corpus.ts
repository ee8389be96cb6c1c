/**
 * A synthetic but realistic log corpus for the search benchmark: a fleet of 60 hosts running 24
 * services in about 300 containers, plus each host's journal, with the severity mix of a healthy
 * cluster (mostly info and debug, about 1 % errors) and messages built from templates with
 * variable parts (ids, durations, users, addresses), so the vocabulary keeps growing the way a
 * real one does: a few very common words, many ids seen once. Some words are rare on purpose (a
 * segfault or an expired certificate once in ~100,000 lines) for the rare-term search.
 * Deterministic: line i is the same on every run of one CORPUS_VERSION.
 */
import type { LogRecord } from '../src/model/index.ts';

/** Bump when the corpus changes, so cached stores built from the old one are not reused. */
export const CORPUS_VERSION = 1;

export const HOSTS = Array.from({ length: 60 }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);
export const SERVICES = [
  'api', 'web', 'worker', 'billing', 'search', 'cache', 'queue', 'auth', 'mailer', 'cron', 'gateway',
  'orders', 'catalog', 'cart', 'payments', 'shipping', 'inventory', 'reports', 'notifier', 'ingest',
  'scheduler', 'frontend', 'recommender', 'analytics',
]; // prettier-ignore
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory'];
const PATHS = [
  '/api/orders',
  '/api/cart',
  '/api/users',
  '/api/catalog/items',
  '/healthz',
  '/login',
  '/search',
];
const TABLES = ['orders', 'users', 'line_items', 'sessions', 'invoices', 'products', 'stock'];
const TOPICS = ['orders.created', 'payments.settled', 'stock.changed', 'mail.outbox'];

/** mulberry32: small, fast and good enough to pick templates and values. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Chooser = <T>(list: readonly T[]) => T;
type Line = Pick<LogRecord, 'message' | 'severity'> & { fields?: Record<string, unknown> };
type Template = (r: () => number, pick: Chooser, i: number) => Line;

/** n hex digits (n <= 13 per call: one random number carries 52 bits). */
const hex = (r: () => number, n: number): string =>
  n > 8
    ? hex(r, n - 8) + hex(r, 8)
    : Math.floor(r() * 16 ** n)
        .toString(16)
        .padStart(n, '0');
const int = (r: () => number, max: number): number => Math.floor(r() * max);

/** [weight, template]; weights sum to about 1000 (per mille of lines). */
const TEMPLATES: Array<[number, Template]> = [
  [
    330,
    (r, pick) => {
      const method = r() < 0.8 ? 'GET' : pick(['POST', 'PUT', 'DELETE']);
      const status = r() < 0.95 ? 200 : pick([201, 301, 404, 500, 503]);
      const ms = int(r, 900);
      return {
        severity: status >= 500 ? 3 : 6,
        message: `${method} ${pick(PATHS)}/${int(r, 5000)} ${status} in ${ms} ms, ${int(r, 90_000)} bytes req=${hex(r, 12)}`,
        fields: {
          level: status >= 500 ? 'error' : 'info',
          method,
          status,
          duration_ms: ms,
          trace_id: hex(r, 16),
        },
      };
    },
  ],
  [
    120,
    (r, pick) => ({
      severity: 7,
      message: `cache miss for key ${pick(TABLES)}:${int(r, 1e6)}, loading from primary`,
    }),
  ],
  [
    90,
    (r, pick) => ({
      severity: 6,
      message: `job ${pick(['reindex', 'export', 'thumbnail', 'invoice', 'cleanup'])}-${hex(r, 8)} finished in ${int(r, 30_000)} ms, ${int(r, 5000)} items processed`,
      fields: { level: 'info', logger: 'jobs.runner' },
    }),
  ],
  [
    80,
    (r, pick) => ({
      severity: 6,
      message: `user ${pick(USERS)}${int(r, 500)} logged in from 10.${int(r, 255)}.${int(r, 255)}.${int(r, 255)} session=${hex(r, 10)}`,
    }),
  ],
  [60, (r) => ({ severity: 6, message: `GC pause ${int(r, 120)} ms, heap ${int(r, 2048)} MB of 2048 MB` })],
  [
    45,
    (r, pick) => ({
      severity: 4,
      message: `slow query: SELECT * FROM ${pick(TABLES)} WHERE id = ${int(r, 1e7)} took ${1000 + int(r, 9000)} ms`,
    }),
  ],
  [
    40,
    (r, pick) => ({
      severity: 5,
      message: `consumer lag on topic ${pick(TOPICS)} partition ${int(r, 12)} is ${int(r, 50_000)} messages`,
    }),
  ],
  [
    35,
    (r, pick) => ({
      severity: 4,
      message: `connection refused to ${pick(SERVICES)}:${pick([5432, 6379, 8080, 9200])}, retrying in ${1 + int(r, 30)} s (attempt ${1 + int(r, 5)} of 5)`,
      fields: { level: 'warn', component: 'client' },
    }),
  ],
  [
    30,
    (r, pick) => ({
      severity: 4,
      message: `retrying upstream ${pick(SERVICES)} after timeout (${int(r, 5000)} ms) req=${hex(r, 12)}`,
    }),
  ],
  [
    25,
    (r, pick) => ({
      severity: 6,
      message: `scheduled ${int(r, 40)} pods on node ${pick(HOSTS)} in ${int(r, 900)} ms`,
    }),
  ],
  [
    15,
    (r) => ({
      severity: 3,
      message: `payment ${hex(r, 10)} failed: upstream timeout talking to billing after ${int(r, 30_000)} ms`,
      fields: { level: 'error', logger: 'payments.client', code: 'UPSTREAM_TIMEOUT' },
    }),
  ],
  [
    15,
    (r, pick) => ({
      severity: 3,
      message: `upstream ${pick(SERVICES)} returned 503 Service Unavailable for ${pick(PATHS)}`,
    }),
  ],
  [
    10,
    (r, pick) => ({
      severity: 3,
      message: `java.lang.NullPointerException at com.shop.${pick(['Cart', 'Order', 'Price'])}Service.apply(${pick(['Cart', 'Order', 'Price'])}Service.java:${int(r, 900)})`,
    }),
  ],
  [
    8,
    (r) => ({
      severity: 5,
      message: `config reloaded from /etc/app/config.yaml (revision ${int(r, 10_000)})`,
    }),
  ],
  [
    5,
    (r) => ({ severity: 2, message: `worker crashed: out of memory while resizing image ${hex(r, 16)}.jpg` }),
  ],
];

/** The nodes' own journal: systemd, kernel, sshd, dockerd. */
const JOURNAL: Array<[number, Template]> = [
  [
    300,
    (r, pick) => ({
      severity: 6,
      message: `Started Session ${int(r, 90_000)} of User ${pick(USERS)}.`,
      fields: { _SYSTEMD_UNIT: 'systemd-logind.service', SYSLOG_IDENTIFIER: 'systemd', _PID: int(r, 30_000) },
    }),
  ],
  [
    150,
    (r) => ({
      severity: 4,
      message: `disk usage on /var/lib/docker at ${80 + int(r, 20)}%, ${int(r, 50)} GB free`,
    }),
  ],
  [
    100,
    (r) => ({
      severity: 4,
      message: `kernel: TCP: request_sock_TCP: Possible SYN flooding on port ${int(r, 65_535)}. Sending cookies.`,
      fields: { _TRANSPORT: 'kernel' },
    }),
  ],
  [
    250,
    (r) => ({
      severity: 6,
      message: `Started docker-${hex(r, 13)}.scope - libcontainer container ${hex(r, 13)}.`,
      fields: { _SYSTEMD_UNIT: 'init.scope', SYSLOG_IDENTIFIER: 'systemd', _PID: 1 },
    }),
  ],
  [
    150,
    (r, pick) => ({
      severity: 6,
      message: `Accepted publickey for ${pick(USERS)} from 192.168.${int(r, 255)}.${int(r, 255)} port ${int(r, 65_535)} ssh2: ED25519 SHA256:${hex(r, 13)}`,
      fields: { _SYSTEMD_UNIT: 'ssh.service', SYSLOG_IDENTIFIER: 'sshd', _PID: int(r, 30_000) },
    }),
  ],
  [
    50,
    (r) => ({
      severity: 4,
      message: `level=warning msg="Health check for container ${hex(r, 12)} timed out after 30s" module=healthcheck`,
      fields: { _SYSTEMD_UNIT: 'docker.service', SYSLOG_IDENTIFIER: 'dockerd', _PID: 812 },
    }),
  ],
];

function weighted(list: Array<[number, Template]>, r: () => number): Template {
  let w = r() * list.reduce((sum, [weight]) => sum + weight, 0);
  for (const [weight, template] of list) if ((w -= weight) < 0) return template;
  return list[0]![1];
}

/** Rare lines, one in RARE_EVERY: what someone hunting an incident types. */
export const RARE_EVERY = 100_003;
const RARE: Template[] = [
  (r) => ({
    severity: 2,
    message: `segfault at ${hex(r, 12)} ip ${hex(r, 12)} sp ${hex(r, 12)} error 4 in libc.so.6`,
  }),
  (r) => ({
    severity: 3,
    message: `certificate for shop.example.com expired ${int(r, 5)} days ago, handshake rejected`,
  }),
  () => ({ severity: 1, message: `filesystem /dev/nvme0n1p3 remounted read-only after journal abort` }),
];
export const RARE_TERMS = ['segfault', 'expired', 'remounted', 'libc', 'handshake', 'nvme0n1p3'];

/** The request ids of lines i = k·ID_EVERY: a search for one finds that one line. */
export const ID_EVERY = 9_973;

export function containerOf(i: number): {
  host: string;
  service: string;
  name: string;
  image: string;
  id: string;
} {
  const c = i % 300;
  const service = SERVICES[c % SERVICES.length]!;
  return {
    host: HOSTS[(c * 7) % HOSTS.length]!,
    service,
    name: `${service}-${Math.floor(c / SERVICES.length) + 1}`,
    image: `registry.local/shop/${service}:2.${c % 7}.0`,
    id: (c + 1).toString(16).padStart(12, '0'),
  };
}

/** Line i of n, spread evenly over [start, start + span), in time order. */
export function corpusLine(i: number, n: number, start: number, span: number): LogRecord {
  const r = random(i * 2654435761);
  const pick: Chooser = (list) => list[Math.floor(r() * list.length)]!;
  let line: Line;
  if (i % RARE_EVERY === RARE_EVERY - 1) line = RARE[Math.floor(i / RARE_EVERY) % RARE.length]!(r, pick, i);
  else line = weighted(i % 8 === 0 ? JOURNAL : TEMPLATES, r)(r, pick, i);
  if (i % ID_EVERY === 0) line = { ...line, message: `${line.message} req=${requestId(i)}` };
  const ts = start + (i * span) / n;
  const c = containerOf(Math.floor(r() * 1_000_000));
  // One line in eight is from the node's journal, the rest from containers.
  if (i % 8 === 0) {
    return { ts, host: c.host, source: 'journald', service: 'systemd', format: 'journal-json', ...line };
  }
  return {
    ts,
    host: c.host,
    source: 'docker',
    service: c.service,
    format: line.fields ? 'json' : 'plain',
    container: { id: c.id, name: c.name, image: c.image },
    ...line,
  };
}

/** A request id that only line i carries (i a multiple of ID_EVERY). */
export function requestId(i: number): string {
  return `rq${(i * 31 + 7).toString(36)}x`;
}
