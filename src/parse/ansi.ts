/**
 * ANSI escape sequences: CSI (colours, cursor movement, `ESC [ … letter`), OSC (window titles and
 * hyperlinks, ended by BEL or `ESC \`) and the two-byte ESC forms. Each branch consumes a bounded
 * character class, so the pattern runs in linear time on any input.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes colour codes so a message reads and searches the same with or without a terminal. */
export function stripAnsi(text: string): string {
  // Most lines carry no escape at all; skip the regex for them.
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}
