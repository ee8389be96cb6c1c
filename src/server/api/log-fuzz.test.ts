import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';
import { getJson, ingest } from './test-client.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

/** Pieces a user (or an attacker) might type, weighted towards the query syntax. */
const PIECES = [
  ...'()[]{}":*?\\-+!<>=~ \t'.split(''),
  ' AND ',
  ' OR ',
  ' NOT ',
  ' TO ',
  '&&',
  '||',
  'host',
  'severity',
  'fields.',
  'fields.status',
  'message',
  'container.name',
  'err',
  'timeout',
  '500',
  '3',
  'warning',
  '%',
  "'",
  ';',
  '--',
  'é',
  '漢',
  '\u0000',
  '🙂',
];

/** A seeded generator, so a failure can be reproduced from the printed seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomQuery(next: () => number): string {
  const n = Math.floor(next() * 12);
  let q = '';
  for (let i = 0; i < n; i++) {
    q +=
      next() < 0.15
        ? String.fromCharCode(32 + Math.floor(next() * 95))
        : PIECES[Math.floor(next() * PIECES.length)];
  }
  return q;
}

describe('log query fuzz', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
    const now = Date.now();
    await ingest(server, TEST_ADMIN_TOKEN, {
      logs: [
        {
          ts: now - 1000,
          host: 'node-1',
          source: 'docker',
          message: 'error 500 timeout',
          severity: 3,
          fields: { status: 500 },
        },
        {
          ts: now - 500,
          host: 'node-2',
          source: 'journald',
          message: 'all good é 漢',
          container: { name: 'web' },
        },
      ],
    });
  });
  after(async () => server.dispose());

  const ITERATIONS = 300;
  const seed = Number(process.env.BIRDSEYE_FUZZ_SEED ?? Date.now() % 100_000);

  it(`answers ${ITERATIONS} random queries with 200 or 400, never 500 (seed ${seed})`, async () => {
    const next = random(seed);
    const paths = ['/api/v1/logs/search', '/api/v1/logs/histogram', '/api/v1/events'];
    for (let i = 0; i < ITERATIONS; i++) {
      const q = randomQuery(next);
      const path = paths[i % paths.length]!;
      const { status, body } = await getJson<{ error?: { code: string; message: string } }>(
        server,
        TEST_ADMIN_TOKEN,
        path,
        {
          q,
          from: 'now-1h',
        },
      );
      assert.ok(
        status === 200 || status === 400,
        `${path} q=${JSON.stringify(q)} gave ${status}: ${JSON.stringify(body)}`,
      );
      if (status === 400) {
        assert.equal(body.error?.code, 'BE_QUERY_INVALID', JSON.stringify(q));
        assert.match(body.error.message, /^query position \d+: /, JSON.stringify(q));
      }
    }
  });
});
