/**
 * Timestamp helpers shared by the parsers. All results are UTC epoch milliseconds; sub-millisecond
 * digits survive as the fraction, up to microseconds (a double holds no more at today's epoch).
 * The fraction is built from the decimal digits as text, so 1700000000123456 µs becomes exactly
 * the double nearest to 1700000000123.456, with no rounding error from float arithmetic.
 */

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

/** Whole milliseconds plus the fraction of a second given as decimal digits ("549423864"). */
export function withFraction(wholeMs: number, secondFraction: string | undefined): number {
  if (secondFraction === undefined || secondFraction === '') return wholeMs;
  const digits = (secondFraction + '000000').slice(0, 6);
  const ms = wholeMs + Number(digits.slice(0, 3));
  const micros = digits.slice(3);
  return micros === '000' ? ms : Number(`${ms}.${micros}`);
}

/** journald's `__REALTIME_TIMESTAMP`: decimal microseconds since the epoch, as a string. */
export function microsToMs(micros: string): number | undefined {
  if (!/^\d{1,19}$/.test(micros)) return undefined;
  // Up to 2^53 the count is an exact integer, and IEEE division rounds the exact quotient to
  // the nearest double: the same number the decimal text below gives, at a fraction of the cost.
  const whole = Number(micros);
  if (whole <= Number.MAX_SAFE_INTEGER) return whole / 1000;
  if (micros.length <= 3) return Number(`0.${micros.padStart(3, '0')}`);
  return withFraction(Number(micros.slice(0, -3)), `000${micros.slice(-3)}`);
}

/** `Z`, `+05:30`, `+0530` or `+05` → minutes east of UTC. */
export function parseOffset(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
  if (m === null) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * UTC ms for a wall-clock time at a given offset, or undefined when a field is out of range
 * (Date.UTC would silently roll "Feb 30" into March).
 */
export function utcFromParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): number | undefined {
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day && second !== 60) return undefined;
  return local - offsetMinutes * 60_000;
}

// Anchored, and every part is a fixed-width digit group, so matching is linear.
const ISO =
  /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)? ?(Z|z|[+-]\d\d(?::?\d\d)?)?$/;

/** RFC 3339 / ISO 8601 as loggers write it; a missing zone means `defaultOffsetMinutes`. */
export function parseIsoTimestamp(text: string, defaultOffsetMinutes = 0): number | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const offset = m[8] === undefined ? defaultOffsetMinutes : parseOffset(m[8]);
  if (offset === undefined) return undefined;
  const whole = utcFromParts(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
    offset,
  );
  return whole === undefined ? undefined : withFraction(whole, m[7]);
}

/**
 * An epoch number of unknown unit, told apart by magnitude: seconds (zap writes 1.68e9), then
 * milliseconds, microseconds and nanoseconds. Valid for dates between 1973 and 5138.
 */
export function epochToMs(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return Math.round(value * 1e6) / 1e3;
  if (value < 1e14) return value;
  if (value < 1e17) return value / 1e3;
  return value / 1e6;
}

/** A JSON/logfmt time value: ISO text, or an epoch as a number or a numeric string. */
export function parseTimeValue(value: unknown, defaultOffsetMinutes = 0): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return epochToMs(Number(value));
  return parseIsoTimestamp(value, defaultOffsetMinutes);
}

/**
 * Formats such as `Dec 31 23:59:58` carry no year. Of last year, this year and next year, the
 * one that puts the line closest to when it was received wins: a December line read on 1 January
 * belongs to the old year, a 1 January line read on 31 December (a sender's clock running ahead)
 * to the new one.
 */
export function inferYear(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
  receivedTs: number,
): number | undefined {
  const receivedYear = new Date(receivedTs + offsetMinutes * 60_000).getUTCFullYear();
  let best: number | undefined;
  for (const year of [receivedYear - 1, receivedYear, receivedYear + 1]) {
    const ts = utcFromParts(year, month, day, hour, minute, second, offsetMinutes);
    if (ts === undefined) continue;
    if (best === undefined || Math.abs(ts - receivedTs) < Math.abs(best - receivedTs)) best = ts;
  }
  return best;
}
