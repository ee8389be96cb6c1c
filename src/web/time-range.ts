/**
 * Time ranges as the URL and the API hold them: relative (`now-1h` … `now`) or absolute (RFC 3339).
 * Pure, so tested in Node.
 */
import { parseTimeText } from '../model/time.ts';

export interface TimeRange {
  from: string;
  to: string;
}

export const RELATIVE_RANGES = ['15m', '1h', '6h', '24h', '7d'] as const;
export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

/** The range in the URL params, or the default one hour up to now. */
export function rangeOf(params: Record<string, string | undefined>): TimeRange {
  return { from: params.from || DEFAULT_RANGE.from, to: params.to || DEFAULT_RANGE.to };
}

/**
 * The range of a host, container or overview page: `from`/`to`, or the older `range=15m`, or the
 * last hour.
 */
export function pageRange(params: Record<string, string | undefined>): TimeRange {
  if (!params.from && params.range && /^\d+(?:m|h|d)$/.test(params.range)) {
    return { from: `now-${params.range}`, to: 'now' };
  }
  return rangeOf(params);
}

/** `15m` for `now-15m … now`; undefined for an absolute range. */
export function relativeSpan(range: TimeRange): string | undefined {
  if (range.to !== 'now') return undefined;
  return /^now-(\d+(?:ms|s|m|h|d|w))$/.exec(range.from)?.[1];
}

/** A time as the API accepts it (the API's own grammar), in epoch ms; undefined when it is not one. */
export function resolveTime(text: string, now: number): number | undefined {
  return parseTimeText(text, now);
}

/** An absolute range, e.g. for a zoom into the histogram. */
export function absoluteRange(fromMs: number, toMs: number): TimeRange {
  return { from: new Date(Math.round(fromMs)).toISOString(), to: new Date(Math.round(toMs)).toISOString() };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2026-11-25 14:05:09` in the browser's time zone. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `14:05:09.123`, with the date in front when it is not today. */
export function formatLogTime(ts: number, now: number): string {
  const d = new Date(ts);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? time : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The value of an `<input type="datetime-local">` for a time, in the browser's time zone. */
export function toLocalInput(ts: number): string {
  return formatDateTime(ts).replace(' ', 'T');
}

/** How the picker labels the range: "Last 1h" or "2026-11-25 14:00:00 → 2026-11-25 15:00:00". */
export function describeRange(range: TimeRange, now: number): string {
  const span = relativeSpan(range);
  if (span) return `Last ${span}`;
  const from = resolveTime(range.from, now);
  const to = resolveTime(range.to, now);
  if (from === undefined || to === undefined) return `${range.from} → ${range.to}`;
  return `${formatDateTime(from)} → ${range.to === 'now' ? 'now' : formatDateTime(to)}`;
}
