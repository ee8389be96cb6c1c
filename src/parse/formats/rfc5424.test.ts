import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPTURE_TS, context, fixtureLines, lineWith, pick } from '../testing.ts';
import { rfc5424 } from './rfc5424.ts';

const lines = fixtureLines('rfc5424/logger.txt');
const TIME_QUALITY = { timeQuality: { tzKnown: '1', isSynced: '0' } };

describe('rfc5424', () => {
  const cases: { name: string; line: string; expected: Record<string, unknown> }[] = [
    {
      name: 'reads the header and keeps structured data',
      line: lineWith(lines, 'hello 5424'),
      expected: {
        ts: Date.UTC(2026, 10, 25, 7, 26, 13, 92) + 0.526,
        host: 'vm',
        service: 'myapp',
        severity: 5,
        message: 'hello 5424',
        fields: { facility: 'user', structured_data: TIME_QUALITY },
      },
    },
    {
      name: 'reads PROCID, MSGID and a local0.err priority',
      line: lineWith(lines, 'REQFAIL'),
      expected: {
        severity: 3,
        fields: { facility: 'local0', pid: '4242', msgid: 'REQFAIL', structured_data: TIME_QUALITY },
      },
    },
    {
      name: 'keeps several structured data elements',
      line: lineWith(lines, 'origin@32473'),
      expected: {
        message: 'Accepted publickey for deploy',
        fields: {
          facility: 'auth',
          pid: '812',
          structured_data: { ...TIME_QUALITY, 'origin@32473': { ip: '192.0.2.10', software: 'openssh' } },
        },
      },
    },
    {
      name: 'reads a message without structured data',
      line: lineWith(lines, 'noSD'),
      expected: { message: 'no structured data here', fields: { facility: 'user' } },
    },
    {
      name: 'falls back to the peer and receive time for NILVALUE host and time',
      line: lineWith(lines, 'minimal'),
      expected: { ts: CAPTURE_TS, host: 'peer', service: 'minimal', severity: 7, message: 'minimal header' },
    },
    {
      name: 'unescapes \\\\, \\" and \\] in parameter values',
      line: lineWith(lines, 'escaped params'),
      expected: {
        message: 'escaped params',
        fields: {
          facility: 'user',
          structured_data: { 'meta@32473': { path: 'C:\\temp\\x', quote: 'say "hi" [ok]' } },
        },
      },
    },
    {
      name: 'maps priority 8 to emergency (logger sends kern as user)',
      line: lineWith(lines, 'panic-ish'),
      expected: { severity: 0, fields: { facility: 'user', structured_data: TIME_QUALITY } },
    },
    {
      name: 'honours a +05:30 offset',
      line: lineWith(lines, '+05:30 vm'),
      expected: { ts: Date.UTC(2026, 10, 25, 7, 26, 13, 108) + 0.758 },
    },
    {
      name: 'honours a -05:00 offset',
      line: lineWith(lines, '-05:00 vm'),
      expected: { ts: Date.UTC(2026, 10, 25, 7, 26, 13, 110) + 0.958 },
    },
    {
      name: 'keeps an invalid byte as U+FFFD',
      line: lineWith(lines, ' bytes '),
      expected: { message: 'café bad \uFFFD byte' },
    },
    {
      name: 'reads a full year, whatever the receive time',
      line: lineWith(lines, 'newyear'),
      expected: { ts: Date.UTC(2025, 11, 31, 23, 59, 59) + 0.377 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = rfc5424.parse(c.line, context());
      assert.deepEqual(pick(record, Object.keys(c.expected)), c.expected);
      assert.equal(record?.format, 'rfc5424');
    });
  }

  it('parses every line logger wrote', () => {
    for (const line of lines) assert.ok(rfc5424.parse(line, context()), line);
  });

  const rejected: [string, string][] = [
    ['RFC 3164', fixtureLines('rfc3164/logger.txt')[0]!],
    ['an unterminated structured data element', lineWith(lines, 'origin@32473').slice(0, 110)],
    ['a priority above 191', lineWith(lines, 'hello 5424').replace('<13>', '<192>')],
  ];
  for (const [name, line] of rejected) {
    it(`rejects ${name}`, () => assert.equal(rfc5424.parse(line, context()), undefined));
  }
});
