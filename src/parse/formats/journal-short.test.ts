import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, fixtureLines, lineWith } from '../testing.ts';
import { journalShort } from './journal-short.ts';

// The diskwatch entry was written at 2026-11-25T07:25:14.493336Z.
const DISKWATCH_S = Date.UTC(2026, 10, 25, 7, 25, 14);
const ZONES = { utc: 0, 'asia-kolkata': 330, 'america-new_york': -300 } as const;

describe('journal-short', () => {
  const cases: { format: string; precise: boolean; usesContextOffset: boolean }[] = [
    { format: 'short', precise: false, usesContextOffset: true },
    { format: 'short-precise', precise: true, usesContextOffset: true },
    { format: 'short-iso', precise: false, usesContextOffset: false },
    { format: 'short-full', precise: false, usesContextOffset: false },
  ];
  for (const c of cases) {
    for (const [zone, offset] of Object.entries(ZONES)) {
      it(`reads ${c.format} written in ${zone}`, () => {
        const lines = fixtureLines(`journal-short/${c.format}.${zone}.txt`);
        // Zone-less formats need the sender's offset; the others must ignore a wrong one.
        const ctx = context({ utc_offset_minutes: c.usesContextOffset ? offset : 600 });
        const record = journalShort.parse(lineWith(lines, 'diskwatch'), ctx);
        assert.equal(record?.ts, c.precise ? DISKWATCH_S + 493.336 : DISKWATCH_S);
        assert.equal(record?.host, 'vm');
        assert.equal(record?.service, 'diskwatch');
        assert.equal(record?.message, 'disk usage at 91%');
        assert.deepEqual(record?.fields, { pid: '5602' });
      });
    }
  }

  const newYear: {
    format: string;
    zone: keyof typeof ZONES;
    received: number;
    first: number;
    third: number;
  }[] = [
    {
      format: 'short',
      zone: 'utc',
      received: Date.UTC(2026, 0, 1, 0, 0, 5),
      first: Date.UTC(2025, 11, 31, 23, 59, 57),
      third: Date.UTC(2026, 0, 1, 0, 0, 2),
    },
    {
      format: 'short-precise',
      zone: 'utc',
      received: Date.UTC(2026, 0, 1, 0, 0, 5),
      first: Date.UTC(2025, 11, 31, 23, 59, 57) + 123.456,
      third: Date.UTC(2026, 0, 1, 0, 0, 2) + 0.001,
    },
    {
      // A receiver whose clock is a few seconds behind the sender's still files the
      // "Jan 01" line under the new year.
      format: 'short',
      zone: 'america-new_york',
      received: Date.UTC(2025, 11, 31, 23, 59, 58),
      first: Date.UTC(2025, 11, 31, 23, 59, 57),
      third: Date.UTC(2026, 0, 1, 0, 0, 2),
    },
    {
      format: 'short',
      zone: 'asia-kolkata',
      received: Date.UTC(2026, 0, 1, 12, 0, 0),
      first: Date.UTC(2025, 11, 31, 23, 59, 57),
      third: Date.UTC(2026, 0, 1, 0, 0, 2),
    },
    {
      format: 'short-iso',
      zone: 'america-new_york',
      received: Date.UTC(2026, 5, 1),
      first: Date.UTC(2025, 11, 31, 23, 59, 57),
      third: Date.UTC(2026, 0, 1, 0, 0, 2),
    },
    {
      format: 'short-full',
      zone: 'asia-kolkata',
      received: Date.UTC(2026, 5, 1),
      first: Date.UTC(2025, 11, 31, 23, 59, 57),
      third: Date.UTC(2026, 0, 1, 0, 0, 2),
    },
  ];
  for (const c of newYear) {
    it(`infers the year around New Year for ${c.format} in ${c.zone}`, () => {
      const lines = fixtureLines(`journal-short/${c.format}.new-year.${c.zone}.txt`);
      const ctx = context({ received_ts: c.received, utc_offset_minutes: ZONES[c.zone] });
      assert.equal(journalShort.parse(lines[0]!, ctx)?.ts, c.first);
      assert.equal(journalShort.parse(lines[2]!, ctx)?.ts, c.third);
    });
  }

  it('reads journald’s own messages', () => {
    const journald = lineWith(fixtureLines('journal-short/short.utc.txt'), 'Journal stopped');
    assert.equal(journalShort.parse(journald, context())?.service, 'systemd-journald');
  });

  it('keeps journalctl’s blob placeholder as the message', () => {
    const lines = fixtureLines('journal-short/short.utc.txt');
    assert.equal(journalShort.parse(lineWith(lines, 'binapp'), context())?.message, '[24B blob data]');
  });

  it('leaves the indented continuation of a multi-line entry to other parsers', () => {
    const lines = fixtureLines('journal-short/short-full.utc.txt');
    assert.equal(journalShort.parse(lineWith(lines, 'File "<stdin>"'), context()), undefined);
  });

  it('rejects RFC 5424 and JSON lines', () => {
    assert.equal(journalShort.parse(fixtureLines('rfc5424/logger.txt')[0]!, context()), undefined);
    assert.equal(journalShort.parse(fixtureLines('json/pino.jsonl')[0]!, context()), undefined);
  });
});
