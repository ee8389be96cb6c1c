import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TOKENS, maskToken, tokenize } from './mask.ts';

/** Token → what the template shows. Values are from real logs (Loghub samples, journald, nginx). */
const TOKENS: Array<[string, string]> = [
  ['terminating', 'terminating'],
  ['6725', '<NUM>'],
  ['-12.5', '<NUM>'],
  ['67,108,864', '<NUM>'],
  ['10.251.73.220:50010', '<IP>'],
  ['/10.250.19.102:54106', '<IP>'],
  ['[173.234.31.186]', '[<IP>]'],
  ['fe80::1ff:fe23:4567:890a', '<IP>'],
  ['3f2a9c1e-1111-2222-3333-444455556666', '<UUID>'],
  ['0x0b85eee0,', '<HEX>,'],
  ['4f9c2d1e8a7b', '<HEX>'],
  ['35ms', '<DURATION>'],
  ['1h2m3.5s', '<DURATION>'],
  ['512MiB', '<NUM>'],
  ['99.5%', '<NUM>'],
  ['2026-11-25T12:00:00.123Z', '<TS>'],
  ['07:07:00', '<TS>'],
  ['/var/lib/docker/containers/abc123/log.json', '<PATH>'],
  ['https://example.com/a?b=1', '<URL>'],
  ['uid=0', 'uid=<NUM>'],
  ['rhost=218.188.2.4', 'rhost=<IP>'],
  ['(uid=509)', '(uid=<NUM>)'],
  ['depth....................0', 'depth....................<NUM>'],
  ['instruction......0,', 'instruction......<NUM>,'],
  ['blk_-1608999687919862906', '<*>'],
  ['core.2275', '<*>'],
  ['jk2_init()', '<*>'],
  ['/var/log/messages', '/var/log/messages'],
  ['x'.repeat(100), '<*>'],
];

describe('mask', () => {
  for (const [token, masked] of TOKENS) {
    it(`masks ${JSON.stringify(token.slice(0, 40))} as ${masked}`, () => {
      assert.equal(maskToken(token), masked);
    });
  }

  it('splits on any white space and keeps words', () => {
    assert.deepEqual(tokenize('  Received block blk_1 of size 67108864\tfrom /10.251.42.84\r\n'), [
      'Received',
      'block',
      '<*>',
      'of',
      'size',
      '<NUM>',
      'from',
      '<IP>',
    ]);
    assert.deepEqual(tokenize(''), []);
  });

  it('cuts very long lines to a bounded number of tokens', () => {
    assert.equal(tokenize('word '.repeat(10_000)).length, MAX_TOKENS);
  });

  it('makes a run of values of one kind one token, whatever its length', () => {
    const ask = (blocks: number) =>
      tokenize(`BLOCK* ask 10.251.126.5:50010 to delete ${'blk_-9016567407076718172 '.repeat(blocks)}`);
    assert.deepEqual(ask(1), ['BLOCK*', 'ask', '<IP>', 'to', 'delete', '<*>']);
    assert.deepEqual(ask(9), ask(1));
    // 00106210 is as much a hex value as 003a90fc: one kind, shown as <*>.
    assert.deepEqual(tokenize('softheader=1 003a90fc 00106210 7 end'), ['softheader=<NUM>', '<*>', 'end']);
    // Values of different kinds stay apart: an address next to a host name is not a list.
    assert.deepEqual(tokenize('from 24.54.76.216 (24-54-76-216.example.net) at'), [
      'from',
      '<IP>',
      '<*>',
      'at',
    ]);
  });
});
