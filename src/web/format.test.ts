import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BYTE_INCREMENTS, formatAgo, formatBytes, formatDecimal } from './format.ts';
import { hostSelector } from './api.ts';

describe('formatBytes', () => {
  it('uses binary units with at most three significant digits', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(16 * 1024 ** 3), '16 GiB');
    assert.equal(formatBytes(7.25 * 1024 ** 3), '7.25 GiB');
    assert.equal(formatBytes(300 * 1024 ** 2), '300 MiB');
  });

  it('steps the memory axis in whole binary units', () => {
    assert.ok(BYTE_INCREMENTS.includes(2 * 1024 ** 3));
    assert.ok(BYTE_INCREMENTS.includes(512 * 1024 ** 2));
  });
});

describe('formatAgo', () => {
  it('says seconds, then minutes, hours and days', () => {
    assert.equal(formatAgo(10_000, 13_000), '3 s ago');
    assert.equal(formatAgo(0, 5 * 60_000), '5 min ago');
    assert.equal(formatAgo(0, 3 * 3_600_000), '3 h ago');
    assert.equal(formatAgo(0, 4 * 86_400_000), '4 d ago');
  });

  it('never says a host was seen in the future when clocks disagree', () => {
    assert.equal(formatAgo(20_000, 10_000), '0 s ago');
  });
});

describe('formatDecimal', () => {
  it('keeps load averages short', () => {
    assert.equal(formatDecimal(0.4567), '0.46');
    assert.equal(formatDecimal(12.34), '12.3');
    assert.equal(formatDecimal(123.4), '123');
  });
});

describe('hostSelector', () => {
  it('quotes host names so quotes and backslashes cannot end the label value', () => {
    assert.equal(hostSelector('node_load1', 'web-1'), 'node_load1{host="web-1"}');
    assert.equal(hostSelector('node_load1', 'a"b\\c'), 'node_load1{host="a\\"b\\\\c"}');
  });
});
