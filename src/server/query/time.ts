import { BirdseyeError } from '../../core/errors.ts';
import { parseTimeText } from '../../model/time.ts';

export { parseDuration } from '../../model/time.ts';

/**
 * A point in time as the API accepts it: epoch milliseconds, RFC 3339, `now`, or `now-15m`.
 * `name` is the parameter, so the error tells the user which one is wrong.
 */
export function parseTime(text: string, name: string, now = Date.now()): number {
  const ts = parseTimeText(text, now);
  if (ts !== undefined) return ts;
  throw new BirdseyeError(
    'BE_QUERY_INVALID',
    `${name}: "${text}" is not a time; use epoch milliseconds, RFC 3339 (2026-11-25T12:00:00Z) or now-15m`,
  );
}
