import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPTURE_TS, context, fixtureLines, lineWith, pick } from '../testing.ts';
import { json } from './json.ts';

const pino = fixtureLines('json/pino.jsonl');
const zap = fixtureLines('json/zap-fluxcd.jsonl');
const log4j = fixtureLines('json/log4j2-logstash.jsonl');
const logstash = fixtureLines('json/logstash-events.jsonl');

describe('json', () => {
  const cases: { name: string; line: string; expected: Record<string, unknown> }[] = [
    {
      name: 'reads pino: epoch-ms time, numeric level, msg, hostname',
      line: lineWith(pino, 'server listening'),
      expected: {
        ts: 1795592201566,
        severity: 6,
        message: 'server listening',
        host: 'vm',
        fields: { pid: 11343 },
      },
    },
    {
      name: 'reads an ISO time and pino level 10 as debug',
      line: lineWith(pino, 'trace with iso time'),
      expected: { ts: Date.parse('2026-11-25T07:36:41.568Z'), severity: 7 },
    },
    { name: 'maps pino 60 to critical', line: lineWith(pino, 'fatal with iso'), expected: { severity: 2 } },
    {
      name: 'reads a level name and the message key',
      line: lineWith(pino, 'label levels'),
      expected: { severity: 6, message: 'label levels and message key' },
    },
    {
      name: 'keeps nested objects in fields with their JSON types',
      line: lineWith(pino, 'request completed'),
      expected: {
        fields: { pid: 11343, req: { method: 'GET', url: '/api/items?limit=10' }, responseTime: 12 },
      },
    },
    {
      name: 'keeps escapes and UTF-8 in the message',
      line: lineWith(pino, 'unicode'),
      expected: { message: 'unicode é✓ and "quotes" and tab\there', severity: 4 },
    },
    {
      name: 'reads zap: ts as ISO with a +0300 offset',
      line: zap[0]!,
      expected: {
        ts: Date.UTC(2020, 6, 15, 8, 19, 45, 31),
        severity: 3,
        message: 'Reconciler error',
        fields: {
          logger: 'controller-runtime.controller',
          controller: 'gitrepository',
          request: 'default/podinfo',
          error:
            'git clone error: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain',
        },
      },
    },
    {
      name: 'reads logstash events: @timestamp and a host string',
      line: logstash[0]!,
      expected: {
        ts: Date.UTC(2015, 7, 24, 13, 54, 0, 91),
        host: '111.11.11.5',
        fields: { '@version': '1' },
      },
    },
    {
      name: 'keeps the whole line as the message when no message key exists',
      line: log4j[1]!,
      expected: { ts: CAPTURE_TS, severity: 4, message: log4j[1]! },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = json.parse(c.line, context());
      assert.deepEqual(pick(record, Object.keys(c.expected)), c.expected);
      assert.equal(record?.format, 'json');
    });
  }

  it('keeps an error object, stack included, in fields', () => {
    const record = json.parse(lineWith(pino, 'database unavailable'), context());
    const err = record?.fields?.err as { stack: string };
    assert.match(err.stack, /^Error: connect ECONNREFUSED 127\.0\.0\.1:5432\n {4}at /);
  });

  const rejected: [string, string][] = [
    ['a cut-off object', pino[0]!.slice(0, 40)],
    ['a logfmt line', fixtureLines('logfmt/dockerd.log')[0]!],
    ['a JSON array', '[1,2]'],
  ];
  for (const [name, line] of rejected) {
    it(`rejects ${name}`, () => assert.equal(json.parse(line, context()), undefined));
  }
});
