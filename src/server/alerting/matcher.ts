import { LABEL_NAME } from '../../model/index.ts';
import type { Matcher } from './model.ts';

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/;

/**
 * Parses `severity="critical"`, `host=~"web-.*"`, `env!=dev`: the selector syntax users know from
 * metric queries and Alertmanager. Returns an error message instead of throwing, for zod and the API.
 */
export function parseMatcher(text: string): Matcher | string {
  const m = MATCHER.exec(text);
  if (!m) return `"${text}" is not a matcher like label="value", label!="value", label=~"regex"`;
  const op = m[2] as Matcher['op'];
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  if (op === '=~' || op === '!~') {
    try {
      new RegExp(value);
    } catch {
      return `"${value}" is not a valid regular expression`;
    }
  }
  return { label: m[1]!, op, value };
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

export function formatMatcher(m: Matcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}
