import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, fixtureLines, lineWith, pick } from '../testing.ts';
import { journalJson } from './journal-json.ts';

const local = fixtureLines('journal-json/local-entries.jsonl');
const newYear = fixtureLines('journal-json/new-year.jsonl');
const kernel = fixtureLines('journal-json/kernel.jsonl');

describe('journal-json', () => {
  const cases: { name: string; line: string; expected: Record<string, unknown> }[] = [
    {
      name: 'keeps the microseconds of __REALTIME_TIMESTAMP and maps PRIORITY',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"diskwatch"'),
      expected: {
        ts: 1795591514493.336,
        severity: 4,
        host: 'vm',
        service: 'diskwatch',
        message: 'disk usage at 91%',
      },
    },
    {
      name: 'decodes a binary MESSAGE byte array as UTF-8, replacing invalid bytes',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"binapp"'),
      expected: { message: 'binary \u0001\u0002 payload \uFFFD\uFFFD end', severity: 6 },
    },
    {
      name: 'strips ANSI colours from a byte-array MESSAGE',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"colorapp"'),
      expected: { message: 'INFO server listening on :8080' },
    },
    {
      name: 'reads the container written by the docker journald driver',
      line: lineWith(local, '"CONTAINER_NAME":"shop-web-1"'),
      expected: {
        service: 'web',
        container: {
          id: '3f2c9a1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b',
          name: 'shop-web-1',
          image: 'nginx:1.27',
        },
      },
    },
    {
      name: 'keeps a multi-line MESSAGE whole',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"worker"'),
      expected: {
        message:
          'Traceback (most recent call last):\n  File "<stdin>", line 12, in <module>\nKeyError: \'missing\'',
        severity: 3,
      },
    },
    {
      name: 'keeps UTF-8 text as is',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"uni"'),
      expected: { message: 'café ✓ unicode ok' },
    },
    { name: 'maps PRIORITY 0 to emergency', line: lineWith(local, '"kern-like"'), expected: { severity: 0 } },
    {
      name: 'maps PRIORITY 7 to debug',
      line: lineWith(local, '"SYSLOG_IDENTIFIER":"dbg"'),
      expected: { severity: 7 },
    },
    {
      name: 'reads a kernel entry',
      line: kernel[2]!,
      expected: { service: 'kernel', severity: 6, message: 'pci_bus 0000:00: root bus resource [bus 00]' },
    },
    {
      name: 'keeps .123456 exactly',
      line: newYear[0]!,
      expected: { ts: 1767225597123.456, service: 'cron' },
    },
    { name: 'keeps .000001 exactly', line: newYear[2]!, expected: { ts: 1767225602000.001 } },
    { name: 'keeps .999999 exactly', line: newYear[3]!, expected: { ts: 1767225602999.999 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = journalJson.parse(c.line, context());
      assert.deepEqual(pick(record, Object.keys(c.expected)), c.expected);
      assert.equal(record?.format, 'journal-json');
    });
  }

  it('keeps every other field, including _PID, __CURSOR and CODE_*', () => {
    const record = journalJson.parse(lineWith(local, '"SYSLOG_IDENTIFIER":"billing"'), context());
    assert.equal(record?.message, 'payment\tqueued\tamount=12.50');
    assert.equal(record?.fields?.CODE_FILE, 'billing.py');
    assert.equal(record?.fields?._PID, '5750');
    assert.equal(record?.fields?.SYSLOG_IDENTIFIER, 'billing');
    assert.match(String(record?.fields?.__CURSOR), /^s=/);
    assert.equal(record?.fields?.MESSAGE, undefined);
  });

  it('parses every captured entry', () => {
    for (const line of [...local, ...newYear, ...kernel]) {
      assert.equal(journalJson.parse(line, context())?.host, 'vm', line);
    }
  });

  const rejected: [string, string][] = [
    ['application JSON', fixtureLines('json/pino.jsonl')[0]!],
    ['a syslog line', fixtureLines('rfc5424/logger.txt')[0]!],
    ['a cut-off entry', local[0]!.slice(0, 120)],
  ];
  for (const [name, line] of rejected) {
    it(`rejects ${name}`, () => assert.equal(journalJson.parse(line, context()), undefined));
  }
});
