/**
 * Turns a message into the tokens the miner compares: words split on white space, each variable
 * part replaced by a typed placeholder (`<NUM>`, `<IP>`, `<HEX>`, …). Classification looks at one
 * token at a time with a character scan and a few anchored expressions, which is several times
 * faster than running a list of regular expressions over the whole line.
 *
 * The rule of thumb: a token without a digit is a word of the template, one with a digit is almost
 * always a value. Punctuation around a value stays (`(<NUM>)`, `<IP>,`), so templates read like
 * the lines they stand for; `key=value` keeps its key, and so does a dot leader (`depth.....0`).
 */

/** Every placeholder starts with this character, so `isPlaceholder` is one comparison. */
export const WILDCARD = '<*>';
export const PLACEHOLDERS = [
  '<*>',
  '<NUM>',
  '<IP>',
  '<HEX>',
  '<UUID>',
  '<PATH>',
  '<URL>',
  '<TS>',
  '<DURATION>',
];

/** Lines are cut to this many tokens: the tree and the similarity work on bounded arrays. */
export const MAX_TOKENS = 128;
/** Tokens read from one line at most: a line of a million numbers costs what any long line does. */
const MAX_TOKENS_READ = 4 * MAX_TOKENS;
/** A token longer than this is a value (a blob, a base64 string, a stack of ids), never a word. */
const MAX_WORD_CHARS = 80;

const NUM = /^[-+]?\d+([.,]\d+)*$/;
const DURATION = /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/;
const SIZE = /^[-+]?\d+(\.\d+)?([kKMGTP]i?B|[kKMGTP]|B|b|%|x)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/;
const IPV6 = /^\[?[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\]?(:\d{1,5})?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX = /^(0[xX][0-9a-fA-F]+|[0-9a-fA-F]{6,})$/;
const TS = /^(\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d)?)?|\d\d:\d\d(:\d\d)?)([.,]\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/** `ssh2`, `ipv4`, `eth0`, `http2`: a name with a short number in it is a word, not a value. */
const NAME = /^[A-Za-z]{2,8}\d{1,2}$/;

const KEY = /^[A-Za-z_][\w.-]*$/;

const OPENERS = new Set(['(', '[', '{', '<', '"', "'", '`']);
const CLOSERS = new Set([')', ']', '}', '>', '"', "'", '`', ',', ';', ':', '.', '!', '?']);

/**
 * One pass over the characters decides which of the anchored expressions can apply at all, so a
 * typical value is settled by one or two `test` calls instead of the whole list.
 */
function classifyCore(core: string): string {
  const first = core.charCodeAt(0);
  if (first === 47 /* / */ || core.startsWith('./') || core.startsWith('~/')) {
    return IPV4.test(core.slice(1)) ? '<IP>' : '<PATH>';
  }
  let hexLetters = 0;
  let letters = 0;
  let colons = 0;
  let dashes = 0;
  let dots = 0;
  let other = 0;
  for (let i = 0; i < core.length; i++) {
    const c = core.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hexLetters++;
    else if ((c >= 103 && c <= 122) || (c >= 71 && c <= 90)) letters++;
    else if (c === 58) colons++;
    else if (c === 45) dashes++;
    else if (c === 46) dots++;
    else other++;
  }
  const alpha = hexLetters + letters;
  if (alpha === 0 && colons === 0) {
    if (dots === 3 && IPV4.test(core)) return '<IP>';
    if (NUM.test(core)) return '<NUM>';
  }
  if (other > 0 && core.includes('://')) return '<URL>';
  if (colons > 0) {
    if (alpha === 0 && dots === 3 && IPV4.test(core)) return '<IP>';
    if (TS.test(core)) return '<TS>';
    if (other === 0 && letters === 0 && IPV6.test(core)) return '<IP>';
    return WILDCARD;
  }
  if (dashes >= 2 && TS.test(core)) return '<TS>';
  if (dashes === 4 && letters === 0 && UUID.test(core)) return '<UUID>';
  if (alpha > 0 && alpha <= 6 && (DURATION.test(core) || SIZE.test(core))) {
    return DURATION.test(core) ? '<DURATION>' : '<NUM>';
  }
  if (other > 0 && SIZE.test(core)) return '<NUM>';
  if (letters <= 1 && HEX.test(core)) return '<HEX>';
  return WILDCARD;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** One token as the template sees it: itself when it is a word, else its placeholder. */
export function maskToken(token: string): string {
  if (token.length > MAX_WORD_CHARS) return WILDCARD;
  if (!hasDigit(token)) return token;
  if (NAME.test(token)) return token;
  let start = 0;
  let end = token.length;
  while (start < end && OPENERS.has(token[start]!)) start++;
  while (end > start && CLOSERS.has(token[end - 1]!)) end--;
  const core = token.slice(start, end);
  if (!hasDigit(core)) return token;
  let masked: string;
  // key=value keeps the key: `pid=<NUM>`, `(uid=<NUM>)`.
  const eq = core.indexOf('=');
  const leader = core.indexOf('..');
  if (eq > 0 && eq < core.length - 1 && KEY.test(core.slice(0, eq))) {
    masked = `${core.slice(0, eq + 1)}${maskToken(core.slice(eq + 1))}`;
  } else if (leader > 0 && !hasDigit(core.slice(0, leader))) {
    // A dot leader keeps its label, as in a table printed to the log: `depth.......0`.
    let value = leader + 2;
    while (core.charCodeAt(value) === 46) value++;
    masked = value < core.length ? `${core.slice(0, value)}${maskToken(core.slice(value))}` : core;
  } else {
    masked = classifyCore(core);
  }
  // Punctuation is kept around a typed value only: `jk2_init()` is one value, not `<*>)`.
  if (masked === WILDCARD || (start === 0 && end === token.length)) return masked;
  return token.slice(0, start) + masked + token.slice(end);
}

export function isPlaceholder(token: string): boolean {
  return token.charCodeAt(0) === 60 /* < */ && PLACEHOLDERS.includes(token);
}

/** A token that stands for a value, wherever it sits: `<NUM>`, `(<IP>)`, `pid=<NUM>`. */
export function hasPlaceholder(token: string): boolean {
  return token.includes('<') && PLACEHOLDERS.some((p) => token.includes(p));
}

/** What a run of values is made of: `<HEX>` and `<NUM>` are one kind (`00106210` is hex too). */
function kindOf(token: string): string {
  if (token === '<HEX>') return '<NUM>';
  return isPlaceholder(token) ? token : '';
}

/**
 * The masked tokens of a message, at most MAX_TOKENS; white space of any kind separates tokens.
 * A run of values of one kind is one token (`<*>` when their types differ): a list of block ids
 * or of addresses has no fixed length, and the tree sorts lines by their number of tokens.
 */
export function tokenize(message: string): string[] {
  const out: string[] = [];
  let run = '';
  let read = 0;
  let start = -1;
  for (let i = 0; i <= message.length; i++) {
    const c = i < message.length ? message.charCodeAt(i) : 32;
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
    if (space) {
      if (start >= 0) {
        const token = maskToken(message.slice(start, i));
        const kind = kindOf(token);
        if (kind !== '' && kind === run) {
          if (out[out.length - 1] !== token) out[out.length - 1] = WILDCARD;
        } else {
          out.push(token);
          if (out.length >= MAX_TOKENS) return out;
        }
        run = kind;
        if (++read >= MAX_TOKENS_READ) return out;
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  return out;
}
